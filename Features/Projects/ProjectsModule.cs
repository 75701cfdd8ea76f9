using Langfuse.Infrastructure.Auth;
using Marten;

namespace Langfuse.Features.Projects;

public static class ProjectsModule
{
    public static IServiceCollection AddProjectsFeature(this IServiceCollection services)
    {
        services.ConfigureMarten(opts =>
        {
            opts.Schema.For<ApiKey>().UniqueIndex(k => k.HashedSecretKey).UniqueIndex(k => k.PublicKey);
            opts.Schema.For<Project>().Index(p => p.OrganizationId);
        });
        services.AddSingleton<IApiKeyStore, MartenApiKeyStore>();
        services.AddSingleton<ProjectProvisioning>();
        services.AddHostedService<InitializeFromEnvironment>();
        return services;
    }
}

/// <summary>What authentication needs of API keys, answered from Marten.</summary>
sealed class MartenApiKeyStore(IDocumentStore store) : IApiKeyStore
{
    public Task<StoredApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken ct) =>
        FindAsync(k => k.HashedSecretKey == secretHash, ct);

    public Task<StoredApiKey?> FindByPublicKeyAsync(string publicKey, CancellationToken ct) =>
        FindAsync(k => k.PublicKey == publicKey, ct);

    async Task<StoredApiKey?> FindAsync(System.Linq.Expressions.Expression<Func<ApiKey, bool>> match, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var key = await session.Query<ApiKey>().Where(match).FirstOrDefaultAsync(ct);
        return key is null ? null : new StoredApiKey(key.Id, key.PublicKey, key.ProjectId, key.OrganizationId);
    }
}
