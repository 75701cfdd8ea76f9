using System.Text.Json.Nodes;
using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Validation;
using Marten;

namespace Langfuse.Features.Models.CreateModel;

/// <summary>POST /api/public/models: a project model definition; it takes precedence over the built-in prices.</summary>
sealed class Endpoint(IDocumentStore store, ProjectModels cache) : Endpoint<Request, ModelView>
{
    public override void Configure()
    {
        Post("/api/public/models");
        Description(d => d.WithTags("Models"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var tiers = r.PricingTiers is { Count: > 0 }
            ? r.PricingTiers.Select(t => new PricingTier
            {
                Id = Guid.NewGuid().ToString(), Name = t.Name ?? (t.IsDefault ? "Standard" : "Tier"), IsDefault = t.IsDefault,
                Priority = t.IsDefault ? 0 : t.Priority, Conditions = t.Conditions ?? [], Prices = t.Prices ?? new(),
            }).ToList()
            : [new PricingTier { Id = Guid.NewGuid().ToString(), Name = "Standard", IsDefault = true, Prices = LegacyPrices(r) }];
        var model = new ModelDefinition
        {
            Id = Guid.NewGuid().ToString("N"), ModelName = r.ModelName!, MatchPattern = r.MatchPattern!, StartDate = r.StartDate,
            Unit = r.Unit, TokenizerId = r.TokenizerId, TokenizerConfig = r.TokenizerConfig, PricingTiers = tiers, CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var session = store.LightweightSession(project);
        session.Store(model);
        await session.SaveChangesAsync(ct);
        cache.Invalidate(project);
        await Send.OkAsync(ModelView.Of(model), ct);
    }

    static Dictionary<string, decimal> LegacyPrices(Request r)
    {
        var prices = new Dictionary<string, decimal>();
        if (r.InputPrice is { } i) prices["input"] = i;
        if (r.OutputPrice is { } o) prices["output"] = o;
        if (r.TotalPrice is { } t) prices["total"] = t;
        return prices;
    }
}


public sealed class Request
{
    public string? ModelName { get; set; }
    public string? MatchPattern { get; set; }
    public DateTimeOffset? StartDate { get; set; }
    [OneOf(ModelUnits.Characters, ModelUnits.Tokens, ModelUnits.Milliseconds, ModelUnits.Seconds, ModelUnits.Images, ModelUnits.Requests)]
    public string? Unit { get; set; }
    public decimal? InputPrice { get; set; }
    public decimal? OutputPrice { get; set; }
    public decimal? TotalPrice { get; set; }
    public List<TierRequest>? PricingTiers { get; set; }
    public string? TokenizerId { get; set; }
    public JsonNode? TokenizerConfig { get; set; }

    public sealed class TierRequest
    {
        public string? Name { get; set; }
        public bool IsDefault { get; set; }
        public int Priority { get; set; }
        public List<JsonNode?>? Conditions { get; set; }
        public Dictionary<string, decimal>? Prices { get; set; }
    }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.ModelName).NotEmpty();
            RuleFor(r => r.MatchPattern).NotEmpty().Must(BeARegex).WithMessage("matchPattern must be a valid regular expression");
            RuleFor(r => r.MatchPattern).Must(p => UserRegex.IsFast(ModelRegex.Compile(p!))).When(r => BeARegex(r.MatchPattern))
                .WithMessage("matchPattern takes too long to match (catastrophic backtracking); simplify it");
            RuleFor(r => r).Must(r => AllPrices(r).All(p => p is null or (>= 0 and <= ModelRegex.MaxPrice)))
                .WithName("prices").WithMessage($"prices must be between 0 and {ModelRegex.MaxPrice} per unit");
            RuleFor(r => r.TotalPrice).Null().When(r => r.InputPrice is not null || r.OutputPrice is not null)
                .WithMessage("totalPrice cannot be set together with inputPrice or outputPrice");
            RuleFor(r => r.PricingTiers).Null().When(r => r.InputPrice is not null || r.OutputPrice is not null || r.TotalPrice is not null)
                .WithMessage("use either pricingTiers or inputPrice/outputPrice/totalPrice, not both");
            RuleFor(r => r.PricingTiers).Must(t => t!.Count(x => x.IsDefault) == 1).When(r => r.PricingTiers is { Count: > 0 })
                .WithMessage("pricingTiers must contain exactly one default tier");
            RuleFor(r => r.Unit).Must(u => u is null || ModelUnits.All.Contains(u)).WithMessage($"unit must be one of {string.Join(", ", ModelUnits.All)}");
            RuleFor(r => r.TokenizerId).Must(t => t is null or "openai" or "claude").WithMessage("tokenizerId must be openai or claude");
        }

        static IEnumerable<decimal?> AllPrices(Request r) =>
            new[] { r.InputPrice, r.OutputPrice, r.TotalPrice }.Concat((r.PricingTiers ?? new()).SelectMany(t => (t.Prices ?? new()).Values.Select(v => (decimal?)v)));

        static bool BeARegex(string? pattern)
        {
            if (string.IsNullOrEmpty(pattern)) return false;
            try { _ = ModelRegex.Compile(pattern); return true; } catch (ArgumentException) { return false; }
        }
    }
}

