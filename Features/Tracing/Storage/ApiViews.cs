using System.Text.Json;
using System.Text.Json.Nodes;
using Langfuse.Features.Models;
using Langfuse.Features.Tracing.Pricing;
using Langfuse.Features.Tracing.Processing;

namespace Langfuse.Features.Tracing.Storage;

/// <summary>Rows in the public API's JSON shapes (openapi.yml: Trace, ObservationsView, ScoreV1, Score).</summary>
public static class ApiViews
{
    static readonly JsonDocumentOptions DeepDocuments = new() { MaxDepth = 256 };
    static readonly JsonSerializerOptions Typed = new(JsonSerializerDefaults.Web) { MaxDepth = 512 };

    /// <summary>A view as a typed record (the web app's responses reuse these views rather than mapping rows again).</summary>
    public static T As<T>(this JsonObject view) => view.Deserialize<T>(Typed)!;

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

    static JsonObject Metadata(string[] keys, string[] values)
    {
        var result = new JsonObject();
        for (var i = 0; i < keys.Length && i < values.Length; i++) result[keys[i]] = ParseIfPossible(values[i]);
        return result;
    }

    static JsonNode? Time(long? ms) => ms is { } v ? JsonValue.Create(Values.IsoMs(v)) : null;

    public static JsonObject Trace(TraceRow t) => new()
    {
        ["id"] = t.Id,
        ["projectId"] = t.ProjectId,
        ["timestamp"] = Values.IsoMs(t.Timestamp),
        ["name"] = t.Name,
        ["input"] = ParseIfPossible(t.Input),
        ["output"] = ParseIfPossible(t.Output),
        ["sessionId"] = t.SessionId,
        ["release"] = t.Release,
        ["version"] = t.Version,
        ["userId"] = t.UserId,
        ["metadata"] = Metadata(t.MetadataKeys, t.MetadataValues),
        ["tags"] = new JsonArray(t.Tags.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
        ["public"] = t.Public == 1,
        ["bookmarked"] = t.Bookmarked == 1,
        ["environment"] = t.Environment,
        ["externalId"] = null,
        ["createdAt"] = Values.IsoMs(t.CreatedAt),
        ["updatedAt"] = Values.IsoMs(t.UpdatedAt),
    };

    public static JsonObject TraceWithDetails(TraceRow t, IReadOnlyList<ObservationRow> observations, IReadOnlyList<ScoreRow> scores, Func<string, ModelPrice?> modelById)
    {
        var view = Trace(t);
        view["htmlPath"] = $"/project/{t.ProjectId}/traces/{t.Id}";
        view["latency"] = observations.Count == 0 ? 0
            : (observations.Max(o => o.EndTime ?? o.StartTime) - observations.Min(o => o.StartTime)) / 1000.0;
        view["totalCost"] = observations.Sum(o => o.TotalCost ?? 0);
        view["observations"] = new JsonArray(observations.Select(o => (JsonNode?)Observation(o, modelById)).ToArray());
        view["scores"] = new JsonArray(scores.Select(s => (JsonNode?)Score(s)).ToArray());
        return view;
    }

    public static JsonObject Observation(ObservationRow o, Func<string, ModelPrice?> modelById)
    {
        var usage = o.UsageKeys.Zip(o.UsageValues).ToDictionary(p => p.First, p => p.Second);
        var cost = o.CostKeys.Zip(o.CostValues).ToDictionary(p => p.First, p => p.Second);
        double? Sum(Func<string, bool> keys) => cost.Any(kv => keys(kv.Key)) ? cost.Where(kv => keys(kv.Key)).Sum(kv => kv.Value) : null;
        var inputCost = Sum(k => k.Contains("input", StringComparison.Ordinal));
        var outputCost = Sum(k => k.Contains("output", StringComparison.Ordinal));
        var model = o.InternalModelId is null ? null : modelById(o.InternalModelId);
        double? Price(string key) => model is not null && model.Prices.TryGetValue(key, out var p) ? (double)p : null;

        return new JsonObject
        {
            ["id"] = o.Id,
            ["traceId"] = o.TraceId,
            ["projectId"] = o.ProjectId,
            ["type"] = o.Type,
            ["name"] = o.Name,
            ["startTime"] = Values.IsoMs(o.StartTime),
            ["endTime"] = Time(o.EndTime),
            ["completionStartTime"] = Time(o.CompletionStartTime),
            ["model"] = o.ProvidedModelName,
            ["modelParameters"] = ParseIfPossible(o.ModelParameters) ?? new JsonObject(),
            ["input"] = ParseIfPossible(o.Input),
            ["output"] = ParseIfPossible(o.Output),
            ["version"] = o.Version,
            ["metadata"] = Metadata(o.MetadataKeys, o.MetadataValues),
            ["level"] = o.Level,
            ["statusMessage"] = o.StatusMessage,
            ["parentObservationId"] = o.ParentObservationId,
            ["promptId"] = null,
            ["promptName"] = o.PromptName,
            ["promptVersion"] = o.PromptVersion,
            ["usage"] = new JsonObject
            {
                ["input"] = usage.GetValueOrDefault("input"),
                ["output"] = usage.GetValueOrDefault("output"),
                ["total"] = usage.GetValueOrDefault("total"),
                ["unit"] = "TOKENS",
                ["inputCost"] = inputCost,
                ["outputCost"] = outputCost,
                ["totalCost"] = o.TotalCost,
            },
            // Deprecated in Langfuse's API, still read by the legacy SDKs; 0 when unknown, as Langfuse answers.
            ["promptTokens"] = usage.GetValueOrDefault("input"),
            ["completionTokens"] = usage.GetValueOrDefault("output"),
            ["totalTokens"] = usage.GetValueOrDefault("total"),
            ["usageDetails"] = new JsonObject(usage.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["costDetails"] = new JsonObject(cost.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["providedUsageDetails"] = new JsonObject(o.ProvidedUsageKeys.Zip(o.ProvidedUsageValues).Select(p => KeyValuePair.Create(p.First, (JsonNode?)p.Second))),
            ["providedCostDetails"] = new JsonObject(o.ProvidedCostKeys.Zip(o.ProvidedCostValues).Select(p => KeyValuePair.Create(p.First, (JsonNode?)p.Second))),
            ["environment"] = o.Environment,
            ["modelId"] = o.InternalModelId,
            ["inputPrice"] = Price("input"),
            ["outputPrice"] = Price("output"),
            ["totalPrice"] = Price("total"),
            ["calculatedInputCost"] = inputCost,
            ["calculatedOutputCost"] = outputCost,
            ["calculatedTotalCost"] = o.TotalCost,
            ["latency"] = o.EndTime is { } end ? (end - o.StartTime) / 1000.0 : null,
            ["timeToFirstToken"] = o.CompletionStartTime is { } first ? (first - o.StartTime) / 1000.0 : null,
            ["unit"] = "TOKENS",
            ["createdAt"] = Values.IsoMs(o.CreatedAt),
            ["updatedAt"] = Values.IsoMs(o.UpdatedAt),
        };
    }

    public static JsonObject Score(ScoreRow s)
    {
        var view = new JsonObject
        {
            ["id"] = s.Id,
            ["projectId"] = s.ProjectId,
            ["traceId"] = s.TraceId,
            ["observationId"] = s.ObservationId,
            ["sessionId"] = s.SessionId,
            ["datasetRunId"] = s.DatasetRunId,
            ["name"] = s.Name,
            ["source"] = s.Source,
            ["dataType"] = s.DataType,
            ["value"] = s.Value,
            ["timestamp"] = Values.IsoMs(s.Timestamp),
            ["createdAt"] = Values.IsoMs(s.CreatedAt),
            ["updatedAt"] = Values.IsoMs(s.UpdatedAt),
            ["authorUserId"] = s.AuthorUserId,
            ["comment"] = s.Comment,
            ["metadata"] = Metadata(s.MetadataKeys, s.MetadataValues),
            ["configId"] = s.ConfigId,
            ["queueId"] = s.QueueId,
            ["environment"] = s.Environment,
        };
        if (s.DataType is "CATEGORICAL" or "BOOLEAN" or "TEXT") view["stringValue"] = s.StringValue;
        if (s.DataType == "CORRECTION") view["stringValue"] = s.LongStringValue;
        return view;
    }
}
