using Langfuse.Features.AuditLog;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Marten;

namespace Langfuse.Features.Projects;

public sealed record ApiKeySummary(string Id, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, string? Note, string PublicKey, string DisplaySecretKey);
public sealed record CreatedApiKey(string Id, DateTimeOffset CreatedAt, string PublicKey, string SecretKey, string DisplaySecretKey, string? Note);

/// <summary>
/// Project keys (the SDKs' credentials) and organization keys (the administration API's). The secret is returned once,
/// at creation, and stored only as its salted hash; a deleted key stops working on every instance at once.
/// </summary>
public sealed class ApiKeys(IDocumentStore store, SecretHasher hasher, ApiKeyCache cache)
{
    public async Task<IReadOnlyList<ApiKeySummary>> ListAsync(string organizationId, string? projectId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var owner = projectId ?? "";
        var keys = await session.Query<ApiKey>().Where(k => k.OrganizationId == organizationId && k.ProjectId == owner).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return keys.Select(Summary).ToList();
    }

    /// <summary>Creates a key for the project, or for the organization when <paramref name="projectId"/> is null.</summary>
    public async Task<CreatedApiKey> CreateAsync(Actor actor, string organizationId, string? projectId, string? note, string? publicKey, string? secretKey, CancellationToken ct)
    {
        if ((publicKey is null) != (secretKey is null)) throw new ApiProblem(400, "publicKey and secretKey must be given together, or neither");
        if (publicKey is not null && !publicKey.StartsWith("pk-lf-", StringComparison.Ordinal)) throw new ApiProblem(400, "publicKey must start with pk-lf-");
        if (secretKey is not null && !secretKey.StartsWith("sk-lf-", StringComparison.Ordinal)) throw new ApiProblem(400, "secretKey must start with sk-lf-");
        publicKey ??= "pk-lf-" + Guid.NewGuid();
        secretKey ??= "sk-lf-" + Guid.NewGuid();
        var key = new ApiKey
        {
            Id = Guid.NewGuid().ToString(), ProjectId = projectId ?? "", OrganizationId = organizationId, PublicKey = publicKey,
            HashedSecretKey = hasher.Hash(secretKey), DisplaySecretKey = SecretHasher.DisplayForm(secretKey), Note = note, CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var session = store.LightweightSession();
        session.Insert(key);
        session.Record(actor, organizationId, projectId, "apiKey", key.Id, "create", after: new { key.PublicKey, key.DisplaySecretKey, key.Note, scope = projectId is null ? "ORGANIZATION" : "PROJECT" });
        try { await session.SaveChangesAsync(ct); }
        catch (Exception e) when (e is JasperFx.DocumentAlreadyExistsException || e.GetBaseException() is Npgsql.PostgresException { SqlState: "23505" })
        {
            throw new ApiProblem(409, "An API key with this public or secret key already exists");
        }
        return new CreatedApiKey(key.Id, key.CreatedAt, publicKey, secretKey, key.DisplaySecretKey, note);
    }

    public async Task DeleteAsync(Actor actor, string organizationId, string? projectId, string apiKeyId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var key = await session.LoadAsync<ApiKey>(apiKeyId, ct);
        if (key is null || key.OrganizationId != organizationId || key.ProjectId != (projectId ?? "")) throw new ApiProblem(404, $"API key {apiKeyId} not found");
        session.Delete(key);
        session.Record(actor, organizationId, projectId, "apiKey", key.Id, "delete", before: new { key.PublicKey, key.DisplaySecretKey, key.Note });
        await session.SaveChangesAsync(ct);
        await cache.RevokeAsync(key.PublicKey, key.HashedSecretKey);
    }

    /// <summary>
    /// Every key of a deleted project, or (with <paramref name="projectId"/> null) of a deleted organization, added to the
    /// deletion's transaction; the caller announces them with <see cref="RevokeAsync"/> once it is committed.
    /// </summary>
    public static async Task<IReadOnlyList<ApiKey>> DeleteAllAsync(IDocumentSession session, string organizationId, string? projectId, CancellationToken ct)
    {
        var query = session.Query<ApiKey>().Where(k => k.OrganizationId == organizationId);
        if (projectId is not null) query = query.Where(k => k.ProjectId == projectId);
        var keys = await query.ToListAsync(ct);
        foreach (var key in keys) session.Delete(key);
        return keys;
    }

    public Task RevokeAsync(IEnumerable<ApiKey> keys) => Task.WhenAll(keys.Select(k => cache.RevokeAsync(k.PublicKey, k.HashedSecretKey)));

    static ApiKeySummary Summary(ApiKey k) => new(k.Id, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.Note, k.PublicKey, k.DisplaySecretKey);
}
