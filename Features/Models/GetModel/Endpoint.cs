using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Models.GetModel;

/// <summary>GET /api/public/models/{id}: one of the project's models or a built-in one.</summary>
sealed class Endpoint(ProjectModels models, ModelCatalog catalog) : Endpoint<Request, ModelView>
{
    public override void Configure()
    {
        Get("/api/public/models/{id}");
        Description(d => d.WithTags("Models").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var id = HttpContext.Decoded("id");
        var own = (await models.ForProjectAsync(HttpContext.Project().ProjectId, ct)).FirstOrDefault(m => m.Id == id);
        var view = own is not null ? ModelView.Of(own) : catalog.BuiltIn.FirstOrDefault(m => m.Id == id) is { } builtIn ? ModelView.Of(builtIn) : null;
        await Send.OkAsync(view ?? throw new ApiProblem(404, $"Model {id} not found"), ct);
    }
}

public sealed record Request
{
    public string Id { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Id).NotEmpty();
    }
}
