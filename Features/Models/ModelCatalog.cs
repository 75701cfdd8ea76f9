using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Langfuse.Infrastructure.Caching;
using Langfuse.Infrastructure.Validation;

namespace Langfuse.Features.Models;

public sealed record ModelPrice(string Id, string ModelName, string MatchPattern, string? Tokenizer, Dictionary<string, decimal> Prices)
{
    public Regex Pattern { get; init; } = ModelRegex.ForMatching(MatchPattern);
}

/// <summary>
/// The built-in price table (default-model-prices.json, shipped in the assembly), matched by regex on the model
/// name. Matches are memoised per name, so the regexes run once per distinct model name.
/// </summary>
public sealed class ModelCatalog
{
    sealed record PriceFile(string Source, string Date, List<ModelPrice> Models);

    readonly List<ModelPrice> _builtIn;
    readonly Dictionary<string, ModelPrice> _byId;
    readonly ConcurrentDictionary<string, ModelPrice?> _matches = new(StringComparer.Ordinal);
    /// <summary>Distinct model names whose match is remembered; real projects use tens.</summary>
    public const int MaxRemembered = 10_000;
    public int Remembered => _matches.Count;

    public ModelCatalog()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream("default-model-prices.json")!;
        var file = JsonSerializer.Deserialize<PriceFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        _builtIn = file.Models.Select(m => m with { Pattern = ModelRegex.Trusted(m.MatchPattern) }).ToList();
        _byId = _builtIn.ToDictionary(m => m.Id);
        Source = $"{file.Source} ({file.Date})";
    }

    public string Source { get; }
    public ModelPrice? ById(string id) => _byId.GetValueOrDefault(id);
    public IReadOnlyList<ModelPrice> BuiltIn => _builtIn;

    public ModelPrice? Match(string? modelName)
    {
        if (string.IsNullOrWhiteSpace(modelName)) return null;
        // Bounded: model names are client input, and a client sending ever new names must not grow memory.
        return _matches.GetOrAddBounded(modelName, name => _builtIn.FirstOrDefault(m => m.Pattern.SafeIsMatch(name)), MaxRemembered);
    }
}
