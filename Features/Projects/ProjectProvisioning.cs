using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects;

public sealed record IssuedApiKey(string Id, string PublicKey, string SecretKey, string DisplaySecretKey);

/// <summary>Creates organizations, projects and API keys; every call is idempotent.</summary>
public sealed class ProjectProvisioning(IDocumentStore store, SecretHasher hasher)
{
    public async Task EnsureProjectAsync(string orgId, string orgName, string projectId, string projectName, CancellationToken ct = default)
    {
        await using var session = store.LightweightSession();
        var org = await session.LoadAsync<Organization>(orgId, ct) ?? new Organization { Id = orgId, CreatedAt = DateTimeOffset.UtcNow };
        org.Name = orgName;
        org.UpdatedAt = DateTimeOffset.UtcNow;
        var project = await session.LoadAsync<Project>(projectId, ct) ?? new Project { Id = projectId, CreatedAt = DateTimeOffset.UtcNow };
        if (project.DeletedAt is not null) throw new InvalidOperationException($"Project {projectId} was deleted.");
        if (project.OrganizationId.Length > 0 && project.OrganizationId != orgId)
            throw new InvalidOperationException($"Project {projectId} already belongs to organization {project.OrganizationId}.");
        project.OrganizationId = orgId;
        project.Name = projectName;
        project.UpdatedAt = DateTimeOffset.UtcNow;
        session.Store(org);
        session.Store(project);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Issues a key for the project: the given pair (kept if it already exists) or a fresh pk-lf-/sk-lf- pair.
    /// The secret is returned once and stored only as its salted hash.
    /// </summary>
    public async Task<IssuedApiKey> IssueKeyAsync(string projectId, string? publicKey = null, string? secretKey = null, string? note = null, CancellationToken ct = default)
    {
        publicKey ??= "pk-lf-" + Guid.NewGuid();
        secretKey ??= "sk-lf-" + Guid.NewGuid();
        await using var session = store.LightweightSession();
        var project = await session.LoadAsync<Project>(projectId, ct)
            ?? throw new InvalidOperationException($"Project {projectId} does not exist.");
        var key = await session.Query<ApiKey>().FirstOrDefaultAsync(k => k.PublicKey == publicKey, ct)
            ?? new ApiKey { Id = Guid.NewGuid().ToString(), PublicKey = publicKey, CreatedAt = DateTimeOffset.UtcNow };
        if (key.ProjectId.Length > 0 && key.ProjectId != projectId)
            throw new InvalidOperationException($"API key {publicKey} already belongs to another project.");
        key.ProjectId = projectId;
        key.OrganizationId = project.OrganizationId;
        key.HashedSecretKey = hasher.Hash(secretKey);
        key.DisplaySecretKey = SecretHasher.DisplayForm(secretKey);
        key.Note = note ?? key.Note;
        session.Store(key);
        await session.SaveChangesAsync(ct);
        return new IssuedApiKey(key.Id, publicKey, secretKey, key.DisplaySecretKey);
    }
}
