using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Models.ListModels;

/// <summary>GET /api/public/models: the project's models, then the built-in (Langfuse-managed) ones, paged.</summary>
sealed class Endpoint(ProjectModels models, ModelCatalog catalog) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/public/models");
        Description(d => d.WithTags("Models"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var all = (await models.ForProjectAsync(HttpContext.Project().ProjectId, ct)).Select(ModelView.Of).Concat(catalog.BuiltIn.Select(ModelView.Of)).ToList();
        await Send.OkAsync(new Response(all.Skip((r.Page - 1) * r.Limit).Take(r.Limit).ToList(), PageMeta.Of(r.Page, r.Limit, all.Count)), ct);
    }
}

public sealed record Request : PageRequest
{
    public sealed class Validator : Validator<Request>
    {
        public Validator() => this.AddPagingRules();
    }
}

public sealed record Response(IReadOnlyList<ModelView> Data, PageMeta Meta);
