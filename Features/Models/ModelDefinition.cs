using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Langfuse.Infrastructure.Caching;
using Langfuse.Infrastructure.Persistence;
using Marten;

namespace Langfuse.Features.Models;

/// <summary>A project's own model price definition (POST /api/public/models); matched before the built-in table.</summary>
public sealed class ModelDefinition : IProjectOwned
{
    public string Id { get; set; } = "";
    public string ModelName { get; set; } = "";
    public string MatchPattern { get; set; } = "";
    public DateTimeOffset? StartDate { get; set; }
    public string? Unit { get; set; }
    public string? TokenizerId { get; set; }
    public JsonNode? TokenizerConfig { get; set; }
    public List<PricingTier> PricingTiers { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }

    public PricingTier DefaultTier => PricingTiers.FirstOrDefault(t => t.IsDefault) ?? PricingTiers.First();
}

public sealed class PricingTier
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "Standard";
    public bool IsDefault { get; set; }
    public int Priority { get; set; }
    public List<JsonNode?> Conditions { get; set; } = [];
    public Dictionary<string, decimal> Prices { get; set; } = new();
}

/// <summary>
/// Each project's model definitions, newest start date first, cached briefly in memory so that pricing a
/// generation costs no database round trip; a change made through this process is visible at once.
/// </summary>
public sealed class ProjectModels(IDocumentStore store)
{
    static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    const int MaxProjects = 10_000;
    readonly ConcurrentDictionary<string, (DateTime Until, IReadOnlyList<ModelDefinition> Models)> _cache = new();
    readonly ConcurrentDictionary<string, (DateTime Until, IReadOnlyList<ModelPrice> Prices)> _prices = new();

    public async Task<IReadOnlyList<ModelDefinition>> ForProjectAsync(string projectId, CancellationToken ct)
    {
        if (_cache.TryGetValue(projectId, out var hit) && hit.Until > DateTime.UtcNow) return hit.Models;
        await using var session = store.QuerySession(projectId);
        var models = (await session.Query<ModelDefinition>().ToListAsync(ct))
            .OrderByDescending(m => m.StartDate ?? DateTimeOffset.MinValue).ThenByDescending(m => m.CreatedAt).ToList();
        _cache.SetBounded(projectId, (DateTime.UtcNow + CacheFor, models), MaxProjects);
        return models;
    }

    /// <summary>The project's models as price definitions, in match order.</summary>
    public async Task<IReadOnlyList<ModelPrice>> PricesAsync(string projectId, CancellationToken ct)
    {
        if (_prices.TryGetValue(projectId, out var hit) && hit.Until > DateTime.UtcNow) return hit.Prices;
        var prices = (await ForProjectAsync(projectId, ct)).Select(m => new ModelPrice(m.Id, m.ModelName, m.MatchPattern,
            m.TokenizerId == "openai" ? (m.TokenizerConfig?["tokenizerModel"]?.ToString() is { } tm && (tm.StartsWith("gpt-4o") || tm.StartsWith("o")) ? "o200k" : "cl100k") : null,
            m.DefaultTier.Prices)).ToList();
        _prices.SetBounded(projectId, (DateTime.UtcNow + CacheFor, prices), MaxProjects);
        return prices;
    }

    public void Invalidate(string projectId)
    {
        _cache.TryRemove(projectId, out _);
        _prices.TryRemove(projectId, out _);
    }
}

public static class ModelsModule
{
    public static IServiceCollection AddModelsFeature(this IServiceCollection services)
    {
        services.AddSingleton<ProjectModels>();
        services.AddSingleton<ModelCatalog>();
        return services;
    }
}
