using System.Text.Json;
using System.Text.Json.Nodes;
using Langfuse.Features.Ingestion.Pricing;
using Langfuse.Features.Models;
using Langfuse.Features.Tracing.Tables;

namespace Langfuse.Features.Ingestion.Processing;

/// <summary>Folds an entity's event history into the row stored in ClickHouse (ingestion.md §3 and §4).</summary>
public sealed class RowMapper(UsageCalculator usage)
{
    static readonly HashSet<string> TraceImmutable = ["id", "timestamp", "environment"];
    static readonly HashSet<string> ObservationImmutable = ["id", "traceId", "startTime", "environment"];
    static readonly HashSet<string> ScoreImmutable = ["id", "timestamp", "traceId", "environment"];
    // What each record below always sets, in that order (see EventFolder.Fold).
    static readonly string[] TraceRecordKeys = ["timestamp", "environment"];
    static readonly string[] ObservationRecordKeys = ["type", "startTime", "environment"];
    static readonly string[] ScoreRecordKeys = ["timestamp", "environment"];

    public TraceRow Trace(string projectId, string id, IReadOnlyList<EventLogRow> events, long now)
    {
        using var folded = EventFolder.Fold(events, TraceImmutable, (e, body) =>
        {
            body["timestamp"] ??= Values.IsoMs(e.EventTs);
            body["environment"] = Values.Environment(body["environment"]);
            return body;
        }, TraceRecordKeys);
        var s = folded.State;
        var (keys, values) = Values.Metadata(s);
        return new TraceRow
        {
            ProjectId = projectId,
            Id = id,
            Timestamp = Values.Time(s, "timestamp") ?? events[0].EventTs,
            Name = Values.String(s, "name"),
            UserId = Values.String(s, "userId"),
            SessionId = Values.String(s, "sessionId"),
            Release = Values.String(s, "release"),
            Version = Values.String(s, "version"),
            Input = Values.Utf8Text(s["input"]),
            Output = Values.Utf8Text(s["output"]),
            MetadataKeys = keys,
            MetadataValues = values,
            Tags = (s["tags"] as JsonArray)?.Select(t => t!.GetValue<string>()).ToArray() ?? [],
            Public = s["public"]?.GetValueKind() == JsonValueKind.True ? (byte)1 : (byte)0,
            Environment = Values.String(s, "environment") ?? "default",
            CreatedAt = folded.FirstSeen,
            UpdatedAt = now,
            FirstSeen = folded.FirstSeen,
            FoldVersion = folded.Version,
        };
    }

    public ObservationRow Observation(string projectId, string id, IReadOnlyList<EventLogRow> events, long now, IReadOnlyList<ModelPrice> projectModels)
    {
        using var folded = EventFolder.Fold(events, ObservationImmutable, (e, body) =>
        {
            var legacy = e.EventType.StartsWith("observation-", StringComparison.Ordinal);
            body["type"] = legacy ? body["type"]?.DeepClone() : ObservationType(e.EventType);
            body["startTime"] ??= Values.IsoMs(e.EventTs);
            body["environment"] = legacy ? "default" : Values.Environment(body["environment"]);
            return body;
        }, ObservationRecordKeys);
        var s = folded.State;
        var (keys, values) = Values.Metadata(s);
        var start = Values.Time(s, "startTime") ?? events[0].EventTs;
        var end = Values.Time(s, "endTime");
        if (end < start) end = start;
        var level = Values.String(s, "level") ?? "DEFAULT";
        var model = Values.String(s, "model");
        var u = usage.Calculate(s, model, level, projectModels);
        return new ObservationRow
        {
            ProjectId = projectId,
            Id = id,
            TraceId = Values.String(s, "traceId") ?? Values.OrphanTraceId(projectId, id),
            Type = Values.String(s, "type") ?? "SPAN",
            ParentObservationId = Values.String(s, "parentObservationId"),
            StartTime = start,
            EndTime = end,
            CompletionStartTime = Values.Time(s, "completionStartTime"),
            Name = Values.String(s, "name"),
            MetadataKeys = keys,
            MetadataValues = values,
            Level = level,
            StatusMessage = Values.String(s, "statusMessage"),
            Version = Values.String(s, "version"),
            Input = Values.Utf8Text(s["input"]),
            Output = Values.Utf8Text(s["output"]),
            ProvidedModelName = model,
            InternalModelId = u.Model?.Id,
            ModelParameters = s["modelParameters"] is JsonObject mp ? mp.ToJsonString() : null,
            ProvidedUsageKeys = u.ProvidedUsage.Keys.ToArray(),
            ProvidedUsageValues = u.ProvidedUsage.Values.ToArray(),
            UsageKeys = u.UsageDetails.Keys.ToArray(),
            UsageValues = u.UsageDetails.Values.ToArray(),
            ProvidedCostKeys = u.ProvidedCost.Keys.ToArray(),
            ProvidedCostValues = u.ProvidedCost.Values.Select(v => (double)v).ToArray(),
            CostKeys = u.CostDetails.Keys.ToArray(),
            CostValues = u.CostDetails.Values.Select(v => (double)v).ToArray(),
            TotalCost = u.TotalCost is { } total ? (double)total : null,
            PromptName = Values.String(s, "promptName"),
            PromptVersion = s["promptVersion"] is JsonValue pv && pv.TryGetValue<int>(out var version) ? version : null,
            Environment = Values.String(s, "environment") ?? "default",
            CreatedAt = folded.FirstSeen,
            UpdatedAt = now,
            FirstSeen = folded.FirstSeen,
            FoldVersion = folded.Version,
        };
    }

    public ScoreRow Score(string projectId, string id, IReadOnlyList<EventLogRow> events, long now)
    {
        using var folded = EventFolder.Fold(events, ScoreImmutable, (e, body) =>
        {
            body["timestamp"] = Values.IsoMs(e.EventTs);
            body["environment"] = Values.Environment(body["environment"]);
            return body;
        }, ScoreRecordKeys);
        var s = folded.State;
        var (keys, values) = Values.Metadata(s);
        var value = s["value"];
        var isNumber = value?.GetValueKind() == JsonValueKind.Number;
        var dataType = Values.String(s, "dataType") ?? (isNumber ? "NUMERIC" : "CATEGORICAL");
        var number = isNumber ? value!.GetValue<double>() : 0;
        var text = isNumber ? null : Values.String(s, "value");
        var name = Values.String(s, "name") ?? "";
        string? stringValue = dataType switch
        {
            "BOOLEAN" => number == 1 ? "True" : "False",
            "CATEGORICAL" or "TEXT" => text,
            _ => null,
        };
        return new ScoreRow
        {
            ProjectId = projectId,
            Id = id,
            Timestamp = Values.Time(s, "timestamp") ?? events[0].EventTs,
            Name = dataType == "CORRECTION" ? "correction" : name,
            Value = dataType is "NUMERIC" or "BOOLEAN" ? number : 0,
            StringValue = stringValue,
            LongStringValue = dataType == "CORRECTION" ? text : null,
            DataType = dataType,
            Source = Values.String(s, "source") ?? "API",
            Comment = Values.String(s, "comment"),
            MetadataKeys = keys,
            MetadataValues = values,
            TraceId = Values.String(s, "traceId"),
            ObservationId = Values.String(s, "observationId"),
            SessionId = Values.String(s, "sessionId"),
            DatasetRunId = Values.String(s, "datasetRunId"),
            ConfigId = Values.String(s, "configId"),
            QueueId = Values.String(s, "queueId"),
            ExecutionTraceId = Values.String(s, "executionTraceId"),
            Environment = Values.String(s, "environment") ?? "default",
            CreatedAt = folded.FirstSeen,
            UpdatedAt = now,
            FirstSeen = folded.FirstSeen,
            FoldVersion = folded.Version,
        };
    }

    static string ObservationType(string eventType) => eventType switch
    {
        "span-create" or "span-update" => "SPAN",
        "generation-create" or "generation-update" => "GENERATION",
        "event-create" => "EVENT",
        _ => eventType[..eventType.IndexOf('-')].ToUpperInvariant(), // agent-create → AGENT, tool-create → TOOL, …
    };
}
