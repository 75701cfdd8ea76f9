using Langfuse.Infrastructure.Auth;
using Marten;
using Marten.Patching;

namespace Langfuse.Features.Projects;

public static class ProjectsModule
{
    public static IServiceCollection AddProjectsFeature(this IServiceCollection services)
    {
        services.ConfigureMarten(opts =>
        {
            opts.Schema.For<ApiKey>().UniqueIndex(k => k.HashedSecretKey).UniqueIndex(k => k.PublicKey).Index(k => k.OrganizationId).Index(k => k.ProjectId);
            opts.Schema.For<Project>().Index(p => p.OrganizationId);
        });
        services.AddSingleton<IApiKeyStore, MartenApiKeyStore>();
        services.AddSingleton<ProjectProvisioning>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<ProjectLiveness>();
        services.AddScoped<ProjectAdmin>();
        services.AddHostedService<InitializeFromEnvironment>();
        return services;
    }
}

/// <summary>What authentication needs of API keys, answered from Marten. A lookup (a cache miss, about once a minute per key
/// and instance) also stamps the key's last use.</summary>
sealed class MartenApiKeyStore(IDocumentStore store) : IApiKeyStore
{
    public Task<StoredApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken ct) =>
        FindAsync(k => k.HashedSecretKey == secretHash, ct);

    public Task<StoredApiKey?> FindByPublicKeyAsync(string publicKey, CancellationToken ct) =>
        FindAsync(k => k.PublicKey == publicKey, ct);

    async Task<StoredApiKey?> FindAsync(System.Linq.Expressions.Expression<Func<ApiKey, bool>> match, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var key = await session.Query<ApiKey>().Where(match).FirstOrDefaultAsync(ct);
        if (key is null) return null;
        session.Patch<ApiKey>(key.Id).Set(k => k.LastUsedAt, DateTimeOffset.UtcNow);
        await session.SaveChangesAsync(ct);
        return new StoredApiKey(key.Id, key.PublicKey, key.ProjectId, key.OrganizationId);
    }
}
