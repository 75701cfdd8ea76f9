using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Langfuse.Features.Models;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing;

/// <summary>Rows as the public API's records (openapi.yml: Trace, TraceWithFullDetails, ObservationsView, Score).</summary>
public static class ApiViews
{
    static readonly JsonDocumentOptions DeepDocuments = new() { MaxDepth = 256 };
    /// <summary>A view as another record of the same fields (the web app's responses reuse these views rather than mapping rows again).</summary>
    public static T As<T>(this object view) => JsonSerializer.SerializeToElement(view, ApiJson.Options).Deserialize<T>(ApiJson.Options)!;

    /// <summary>A row's input or output (held as UTF-8) as text.</summary>
    public static string? Text(byte[]? utf8) => utf8 is null ? null : System.Text.Encoding.UTF8.GetString(utf8);

    /// <inheritdoc cref="ParseIfPossible(string?)"/>
    public static JsonNode? ParseIfPossible(byte[]? utf8) => ParseIfPossible(Text(utf8));

    /// <summary>Langfuse stores input, output and metadata values as text and parses them back where they parse.</summary>
    public static JsonNode? ParseIfPossible(string? text)
    {
        if (text is null) return null;
        // The same rule decides what the write side quotes (JsonText.IsJson), so the two sides agree on what parses.
        if (Infrastructure.Http.JsonText.MayBeJson(text))
        {
            try { return JsonNode.Parse(text, documentOptions: DeepDocuments); } catch (JsonException) { }
        }
        return JsonValue.Create(text);
    }

    static Dictionary<string, JsonNode?> Metadata(string[] keys, string[] values)
    {
        var result = new Dictionary<string, JsonNode?>();
        for (var i = 0; i < keys.Length && i < values.Length; i++) result[keys[i]] = ParseIfPossible(values[i]);
        return result;
    }

    static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    public static PublicTrace Trace(TraceRow t) => new(t.Id, t.ProjectId, Time(t.Timestamp), t.Name, ParseIfPossible(t.Input), ParseIfPossible(t.Output),
        t.SessionId, t.Release, t.Version, t.UserId, Metadata(t.MetadataKeys, t.MetadataValues), t.Tags, t.Public == 1, t.Bookmarked == 1,
        t.Environment, null, Time(t.CreatedAt), Time(t.UpdatedAt));

    public static string HtmlPath(TraceRow t) => $"/project/{t.ProjectId}/traces/{t.Id}";

    /// <summary>Seconds from the first observation's start to the last one's end (0 without observations).</summary>
    public static double Latency(IReadOnlyCollection<ObservationRow> observations) => observations.Count == 0 ? 0
        : (observations.Max(o => o.EndTime ?? o.StartTime) - observations.Min(o => o.StartTime)) / 1000.0;

    public static PublicTraceWithDetails TraceWithDetails(TraceRow t, IReadOnlyList<ObservationRow> observations, IReadOnlyList<ScoreRow> scores, Func<string, ModelPrice?> modelById) =>
        new(Trace(t), HtmlPath(t), Latency(observations), observations.Sum(o => o.TotalCost ?? 0),
            observations.Select(o => Observation(o, modelById)).ToList(), scores.Select(Score).ToList());

    public static PublicObservation Observation(ObservationRow o, Func<string, ModelPrice?> modelById)
    {
        var usage = o.UsageKeys.Zip(o.UsageValues).ToDictionary(p => p.First, p => p.Second);
        var cost = o.CostKeys.Zip(o.CostValues).ToDictionary(p => p.First, p => p.Second);
        double? Sum(Func<string, bool> keys) => cost.Any(kv => keys(kv.Key)) ? cost.Where(kv => keys(kv.Key)).Sum(kv => kv.Value) : null;
        var inputCost = Sum(k => k.Contains("input", StringComparison.Ordinal));
        var outputCost = Sum(k => k.Contains("output", StringComparison.Ordinal));
        var model = o.InternalModelId is null ? null : modelById(o.InternalModelId);
        double? Price(string key) => model is not null && model.Prices.TryGetValue(key, out var p) ? (double)p : null;
        long Tokens(string key) => usage.GetValueOrDefault(key);

        return new PublicObservation(o.Id, o.TraceId, o.ProjectId, o.Type, o.Name, Time(o.StartTime), Time(o.EndTime), Time(o.CompletionStartTime),
            o.ProvidedModelName, ParseIfPossible(o.ModelParameters) ?? new JsonObject(), ParseIfPossible(o.Input), ParseIfPossible(o.Output), o.Version,
            Metadata(o.MetadataKeys, o.MetadataValues), o.Level, o.StatusMessage, o.ParentObservationId, null, o.PromptName, o.PromptVersion,
            new PublicUsage(Tokens("input"), Tokens("output"), Tokens("total"), "TOKENS", inputCost, outputCost, o.TotalCost),
            Tokens("input"), Tokens("output"), Tokens("total"), usage, cost,
            o.ProvidedUsageKeys.Zip(o.ProvidedUsageValues).ToDictionary(p => p.First, p => p.Second),
            o.ProvidedCostKeys.Zip(o.ProvidedCostValues).ToDictionary(p => p.First, p => p.Second),
            o.Environment, o.InternalModelId, Price("input"), Price("output"), Price("total"), inputCost, outputCost, o.TotalCost,
            o.EndTime is { } end ? (end - o.StartTime) / 1000.0 : null, o.CompletionStartTime is { } first ? (first - o.StartTime) / 1000.0 : null,
            "TOKENS", Time(o.CreatedAt), Time(o.UpdatedAt));
    }

    /// <summary>An observation as a JSON object, for the views that pick some of its fields.</summary>
    public static JsonObject ObservationNode(ObservationRow o, Func<string, ModelPrice?> modelById) =>
        JsonSerializer.SerializeToNode(Observation(o, modelById), ApiJson.Options)!.AsObject();

    public static PublicScore Score(ScoreRow s) => new(s.Id, s.ProjectId, s.TraceId, s.ObservationId, s.SessionId, s.DatasetRunId, s.Name, s.Source,
        s.DataType, s.Value, Time(s.Timestamp), Time(s.CreatedAt), Time(s.UpdatedAt), s.AuthorUserId, s.Comment, Metadata(s.MetadataKeys, s.MetadataValues),
        s.ConfigId, s.QueueId, s.Environment, s.DataType switch
        {
            "CATEGORICAL" or "BOOLEAN" or "TEXT" => s.StringValue,
            "CORRECTION" => s.LongStringValue,
            _ => null,
        });
}

/// <summary>Langfuse's Trace.</summary>
public record PublicTrace(string Id, string ProjectId, DateTimeOffset Timestamp, string? Name, JsonNode? Input, JsonNode? Output, string? SessionId,
    string? Release, string? Version, string? UserId, Dictionary<string, JsonNode?> Metadata, IReadOnlyList<string> Tags, bool Public, bool Bookmarked,
    string Environment, string? ExternalId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Langfuse's TraceWithFullDetails: the trace with its observations and scores, latency in seconds and cost in USD.</summary>
public sealed record PublicTraceWithDetails : PublicTrace
{
    public PublicTraceWithDetails(PublicTrace trace, string htmlPath, double latency, double totalCost, IReadOnlyList<PublicObservation> observations,
        IReadOnlyList<PublicScore> scores) : base(trace) =>
        (HtmlPath, Latency, TotalCost, Observations, Scores) = (htmlPath, latency, totalCost, observations, scores);

    public string HtmlPath { get; init; }
    /// <summary>-1 when metrics were not asked for.</summary>
    public double Latency { get; init; }
    /// <summary>-1 when metrics were not asked for.</summary>
    public double TotalCost { get; init; }
    public IReadOnlyList<PublicObservation> Observations { get; init; }
    public IReadOnlyList<PublicScore> Scores { get; init; }
}

/// <summary>Langfuse's PublicTraceWithDetails (the list's item): observation and score ids.</summary>
public sealed record PublicTraceListItem : PublicTrace
{
    public PublicTraceListItem(PublicTrace trace, string htmlPath, double latency, double totalCost, IReadOnlyList<string> observations, IReadOnlyList<string> scores)
        : base(trace) => (HtmlPath, Latency, TotalCost, Observations, Scores) = (htmlPath, latency, totalCost, observations, scores);

    public string HtmlPath { get; init; }
    /// <summary>-1 when metrics were not asked for.</summary>
    public double Latency { get; init; }
    /// <summary>-1 when metrics were not asked for.</summary>
    public double TotalCost { get; init; }
    public IReadOnlyList<string> Observations { get; init; }
    public IReadOnlyList<string> Scores { get; init; }
}

/// <summary>Langfuse's ObservationsView: the observation with usage, cost, prices and timings.</summary>
public sealed record PublicObservation(string Id, string TraceId, string ProjectId,
    [property: OneOf("SPAN", "GENERATION", "EVENT", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR", "EMBEDDING", "GUARDRAIL")] string Type,
    string? Name, DateTimeOffset StartTime, DateTimeOffset? EndTime, DateTimeOffset? CompletionStartTime, string? Model, JsonNode ModelParameters,
    JsonNode? Input, JsonNode? Output, string? Version, Dictionary<string, JsonNode?> Metadata,
    [property: OneOf("DEBUG", "DEFAULT", "WARNING", "ERROR")] string Level, string? StatusMessage, string? ParentObservationId, string? PromptId,
    string? PromptName, int? PromptVersion, PublicUsage Usage, long PromptTokens, long CompletionTokens, long TotalTokens,
    Dictionary<string, long> UsageDetails, Dictionary<string, double> CostDetails, Dictionary<string, long> ProvidedUsageDetails,
    Dictionary<string, double> ProvidedCostDetails, string Environment, string? ModelId, double? InputPrice, double? OutputPrice, double? TotalPrice,
    double? CalculatedInputCost, double? CalculatedOutputCost, double? CalculatedTotalCost, double? Latency, double? TimeToFirstToken, string Unit,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Langfuse's deprecated Usage object, still read by the legacy SDKs; 0 tokens when unknown, as Langfuse answers.</summary>
public sealed record PublicUsage(long Input, long Output, long Total, string Unit, double? InputCost, double? OutputCost, double? TotalCost);

/// <summary>Langfuse's Score (v1 and v2 reads); stringValue only for categorical, boolean, text and correction scores.</summary>
public record PublicScore(string Id, string ProjectId, string? TraceId, string? ObservationId, string? SessionId, string? DatasetRunId, string Name,
    [property: OneOf("API", "EVAL", "ANNOTATION")] string Source,
    [property: OneOf("NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT", "CORRECTION")] string DataType, double Value, DateTimeOffset Timestamp,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? AuthorUserId, string? Comment, Dictionary<string, JsonNode?> Metadata, string? ConfigId,
    string? QueueId, string Environment,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StringValue);
