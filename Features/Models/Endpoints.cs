using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Langfuse.Infrastructure.Validation;
using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;
using Marten;

namespace Langfuse.Features.Models;

public sealed class CreateModelRequest
{
    public string? ModelName { get; set; }
    public string? MatchPattern { get; set; }
    public DateTimeOffset? StartDate { get; set; }
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

    public sealed class Validator : Validator<CreateModelRequest>
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
            RuleFor(r => r.TokenizerId).Must(t => t is null or "openai" or "claude").WithMessage("tokenizerId must be openai or claude");
        }

        static IEnumerable<decimal?> AllPrices(CreateModelRequest r) =>
            new[] { r.InputPrice, r.OutputPrice, r.TotalPrice }.Concat((r.PricingTiers ?? new()).SelectMany(t => (t.Prices ?? new()).Values.Select(v => (decimal?)v)));

        static bool BeARegex(string? pattern)
        {
            if (string.IsNullOrEmpty(pattern)) return false;
            try { _ = ModelRegex.Compile(pattern); return true; } catch (ArgumentException) { return false; }
        }
    }
}

public static class ModelRegex
{
    /// <summary>Langfuse patterns use Postgres' (?i) prefix, which .NET accepts as an inline option too.</summary>
    public static Regex Compile(string pattern) => new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));

    /// <summary>A price per unit above this is a mistake (a million per token), and prices times usage must fit a decimal.</summary>
    public const decimal MaxPrice = 1_000_000m;

}

static class ModelViews
{
    public static JsonObject Project(ModelDefinition m)
    {
        var prices = m.DefaultTier.Prices;
        return View(m.Id, m.ModelName, m.MatchPattern, m.StartDate, m.Unit, m.TokenizerId, m.TokenizerConfig?.DeepClone(), false, m.CreatedAt,
            prices, m.PricingTiers.Select(t => Tier(t.Id, t.Name, t.IsDefault, t.Priority, t.Conditions, t.Prices)));
    }

    public static JsonObject BuiltIn(ModelPrice m) => View(m.Id, m.ModelName, m.MatchPattern, null, "TOKENS", m.Tokenizer is null ? null : "openai",
        m.Tokenizer is null ? null : new JsonObject { ["tokenizerModel"] = m.Tokenizer == "o200k" ? "gpt-4o" : "gpt-4" }, true, DateTimeOffset.UnixEpoch,
        m.Prices, [Tier(m.Id + "-default", "Standard", true, 0, [], m.Prices)]);

    static JsonObject Tier(string id, string name, bool isDefault, int priority, IEnumerable<JsonNode?> conditions, Dictionary<string, decimal> prices) => new()
    {
        ["id"] = id, ["name"] = name, ["isDefault"] = isDefault, ["priority"] = priority,
        ["conditions"] = new JsonArray(conditions.Select(c => c?.DeepClone()).ToArray()),
        ["prices"] = new JsonObject(prices.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
    };

    static JsonObject View(string id, string name, string pattern, DateTimeOffset? start, string? unit, string? tokenizerId, JsonNode? tokenizerConfig,
        bool managed, DateTimeOffset createdAt, Dictionary<string, decimal> prices, IEnumerable<JsonObject> tiers) => new()
    {
        ["id"] = id,
        ["modelName"] = name,
        ["matchPattern"] = pattern,
        ["startDate"] = start?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
        ["unit"] = unit,
        ["inputPrice"] = prices.TryGetValue("input", out var i) ? i : null,
        ["outputPrice"] = prices.TryGetValue("output", out var o) ? o : null,
        ["totalPrice"] = prices.TryGetValue("total", out var t) ? t : null,
        ["tokenizerId"] = tokenizerId,
        ["tokenizerConfig"] = tokenizerConfig,
        ["isLangfuseManaged"] = managed,
        ["createdAt"] = createdAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
        ["prices"] = new JsonObject(prices.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonObject { ["price"] = p.Value }))),
        ["pricingTiers"] = new JsonArray(tiers.Select(x => (JsonNode?)x).ToArray()),
    };
}

/// <summary>POST /api/public/models: a project model definition; it takes precedence over the built-in prices.</summary>
sealed class CreateModel(IDocumentStore store, ProjectModels cache) : Endpoint<CreateModelRequest>
{
    public override void Configure()
    {
        Post("/api/public/models");
        Description(d => d.WithTags("Models"));
    }

    public override async Task HandleAsync(CreateModelRequest r, CancellationToken ct)
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
        await HttpContext.Response.WriteAsJsonAsync(ModelViews.Project(model), ct);
    }

    static Dictionary<string, decimal> LegacyPrices(CreateModelRequest r)
    {
        var prices = new Dictionary<string, decimal>();
        if (r.InputPrice is { } i) prices["input"] = i;
        if (r.OutputPrice is { } o) prices["output"] = o;
        if (r.TotalPrice is { } t) prices["total"] = t;
        return prices;
    }
}

/// <summary>GET /api/public/models: the project's models, then the built-in (Langfuse-managed) ones, paged.</summary>
sealed class ListModels(ProjectModels models, ModelCatalog catalog) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/models");
        Description(d => d.WithTags("Models"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var (page, limit) = QueryParameters.Paging(HttpContext.Request.Query);
        var all = (await models.ForProjectAsync(project, ct)).Select(ModelViews.Project)
            .Concat(catalog.BuiltIn.Select(ModelViews.BuiltIn)).ToList();
        await HttpContext.Response.WriteAsJsonAsync(new JsonObject
        {
            ["data"] = new JsonArray(all.Skip((page - 1) * limit).Take(limit).Select(x => (JsonNode?)x).ToArray()),
            ["meta"] = QueryParameters.PageMeta(page, limit, all.Count),
        }, ct);
    });
}

/// <summary>GET and DELETE /api/public/models/{id}; built-in models can be read but not deleted (404, as in Langfuse).</summary>
sealed class GetModel(ProjectModels models, ModelCatalog catalog) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/models/{id}");
        Description(d => d.WithTags("Models"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = HttpContext.Decoded("id");
        var own = (await models.ForProjectAsync(HttpContext.Project().ProjectId, ct)).FirstOrDefault(m => m.Id == id);
        var view = own is not null ? ModelViews.Project(own) : catalog.BuiltIn.FirstOrDefault(m => m.Id == id) is { } builtIn ? ModelViews.BuiltIn(builtIn) : null;
        if (view is null) { await PublicApiErrors.WriteAsync(HttpContext, 404, $"Model {id} not found", "LangfuseNotFoundError"); return; }
        await HttpContext.Response.WriteAsJsonAsync(view, ct);
    }
}

sealed class DeleteModel(IDocumentStore store, ProjectModels cache) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Delete("/api/public/models/{id}");
        Description(d => d.WithTags("Models"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var id = HttpContext.Decoded("id");
        await using var session = store.LightweightSession(project);
        if (await session.LoadAsync<ModelDefinition>(id, ct) is null)
        {
            await PublicApiErrors.WriteAsync(HttpContext, 404, $"Model {id} not found within authorized project", "LangfuseNotFoundError");
            return;
        }
        session.Delete<ModelDefinition>(id);
        await session.SaveChangesAsync(ct);
        cache.Invalidate(project);
        await HttpContext.Response.WriteAsJsonAsync(new { message = "Model successfully deleted" }, ct);
    }
}
