using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Models.DeleteModel;

/// <summary>DELETE /api/public/models/{id}: one of the project's own models; built-in ones cannot be deleted (404, as in Langfuse).</summary>
sealed class Endpoint(IDocumentStore store, ProjectModels cache) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Delete("/api/public/models/{id}");
        Description(d => d.WithTags("Models").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var id = HttpContext.Decoded("id");
        await using var session = store.LightweightSession(project);
        if (await session.LoadAsync<ModelDefinition>(id, ct) is null) throw new ApiProblem(404, $"Model {id} not found within authorized project");
        session.Delete<ModelDefinition>(id);
        await session.SaveChangesAsync(ct);
        cache.Invalidate(project);
        await Send.OkAsync(new Response("Model successfully deleted"), ct);
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

public sealed record Response(string Message);
