using FastEndpoints;
using FluentValidation;
using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects.AdminApi.CreateApiKey;

/// <summary>
/// POST /api/public/projects/{projectId}/apiKeys (organization key): {note?, publicKey?, secretKey?} — predefined keys
/// both or neither, pk-lf- / sk-lf- — answered with the secret, once.
/// </summary>
sealed class Endpoint(ApiKeys keys, IQuerySession session) : Endpoint<Request, CreatedApiKey>
{
    public override void Configure()
    {
        Post("projects/{projectId}/apiKeys");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Projects").Produces(409));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var key = HttpContext.OrganizationKey();
        var (project, _) = await AdminProjects.LoadAsync(session, key.OrganizationId, r.ProjectId, ct);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(await keys.CreateAsync(Actor.ApiKey(key.ApiKeyId), key.OrganizationId, project.Id, r.Note, r.PublicKey, r.SecretKey, ct), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string? Note { get; init; }
    public string? PublicKey { get; init; }
    public string? SecretKey { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Note).MaximumLength(1000);
            RuleFor(r => r.PublicKey).MaximumLength(200);
            RuleFor(r => r.SecretKey).MaximumLength(200);
        }
    }
}
