using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Prompts.ListPrompts;

/// <summary>GET /api/public/v2/prompts: names with their versions, labels and tags; filtered and paged (10 a page unless asked).</summary>
sealed class Endpoint(PromptService prompts) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/public/v2/prompts");
        Description(d => d.WithTags("Prompts"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var (items, total) = await prompts.ListAsync(HttpContext.Project().ProjectId,
            new PromptService.ListFilter(r.Name, r.Label, r.Tag, r.FromUpdatedAt, r.ToUpdatedAt, r.Page, r.Limit), ct);
        var meta = PageMeta.Of(r.Page, r.Limit, total);
        await Send.OkAsync(new Response(items, meta, meta), ct);
    }
}

public sealed record Request : PageRequest
{
    [QueryParam] public override int Limit { get; init; } = 10;
    [QueryParam] public string? Name { get; init; }
    [QueryParam] public string? Label { get; init; }
    [QueryParam] public string? Tag { get; init; }
    [QueryParam] public DateTimeOffset? FromUpdatedAt { get; init; }
    [QueryParam] public DateTimeOffset? ToUpdatedAt { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => this.AddPagingRules();
    }
}

/// <summary>Langfuse repeats `meta` as `pagination` for older clients.</summary>
public sealed record Response(IReadOnlyList<PromptMeta> Data, PageMeta Meta, PageMeta Pagination);
