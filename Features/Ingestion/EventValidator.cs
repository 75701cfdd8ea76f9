using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Ingestion;

/// <summary>
/// Langfuse's per-event schema (ingestion.md §1.3): a failing event becomes one entry in the 207's "errors"
/// with a message naming the field; it never fails its neighbours.
/// </summary>
public static partial class EventValidator
{
    public sealed record Result(AcceptedEvent? Event, string? Error, bool Dropped = false);

    static readonly HashSet<string> ObservationCreates =
        ["span-create", "span-update", "generation-create", "generation-update", "event-create", "observation-create", "observation-update",
         "agent-create", "tool-create", "chain-create", "retriever-create", "evaluator-create", "embedding-create", "guardrail-create"];
    static readonly HashSet<string> Levels = ["DEBUG", "DEFAULT", "WARNING", "ERROR"];
    static readonly HashSet<string> DataTypes = ["NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT", "CORRECTION"];
    static readonly HashSet<string> Sources = ["API", "EVAL", "ANNOTATION"];
    static readonly HashSet<string> UsageUnits = ["CHARACTERS", "TOKENS", "MILLISECONDS", "SECONDS", "IMAGES", "REQUESTS"];
    public static readonly HashSet<string> ScoreScopeTypes = ["score-create", "sdk-log"];

    [GeneratedRegex(@"(Z|z|[+-]\d{2}(:?\d{2})?)$")]
    private static partial Regex OffsetSuffix();

    public static bool TryParseTimestamp(string text, out long ms)
    {
        ms = 0;
        if (!OffsetSuffix().IsMatch(text) || !text.Contains('T')) return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value)) return false;
        ms = value.ToUnixTimeMilliseconds();
        return true;
    }

    /// <summary>ClickHouse's DateTime (which partitions the tables) spans 1970 to 2106; later or earlier times would wrap.</summary>
    static readonly long MaxStoredMs = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    static bool InStoredRange(long ms) => ms >= 0 && ms < MaxStoredMs;
    static string OutOfRange(string field) => $"{field}: must lie between 1970 and 2099";

    /// <summary>Names of traces, observations and scores, and short text fields such as release or version.</summary>
    public const int MaxNameLength = 1000;
    /// <summary>Events in one request: SDKs flush far fewer (the JS SDK 15, OTel exporters 512).</summary>
    public const int MaxEvents = 10_000;
    /// <summary>Tags on one trace.</summary>
    public const int MaxTags = 1000;
    /// <summary>Largest token count or cost accepted: far above any real call, small enough that sums never overflow.</summary>
    public const double MaxQuantity = 1e12;

    /// <summary>Token counts and costs anywhere inside a usage or cost object: at most <see cref="MaxQuantity"/>.</summary>
    static void Quantities(JsonElement element, string path, List<string> errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) Quantities(property.Value, path + "." + property.Name, errors);
                break;
            case JsonValueKind.Number when element.TryGetDouble(out var d) && Math.Abs(d) > MaxQuantity:
                errors.Add($"{path}: must be at most {MaxQuantity:0e0}");
                break;
        }
    }

    public static Result Validate(JsonElement envelope)
    {
        if (envelope.ValueKind != JsonValueKind.Object) return Fail("event: Expected object");
        var content = new List<string>();
        JsonText.Check(envelope, "event", content);
        if (content.Count > 0) return Fail(string.Join("; ", content.Select(c => c.StartsWith("event.body", StringComparison.Ordinal) ? c["event.".Length..] : c)));
        if (!envelope.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String) return Fail("id: Required string");
        var eventId = id.GetString()!;
        if (eventId.Length is 0 or > 800) return Fail("id: String must contain 1 to 800 characters");
        if (eventId.Contains('\r')) return Fail("id: must not contain carriage returns");
        if (!envelope.TryGetProperty("timestamp", out var ts) || ts.ValueKind != JsonValueKind.String)
            return Fail("timestamp: Required ISO-8601 datetime with offset");
        if (!TryParseTimestamp(ts.GetString()!, out var timestampMs)) return Fail("timestamp: Invalid datetime (ISO-8601 with Z or an offset required)");
        if (!InStoredRange(timestampMs)) return Fail(OutOfRange("timestamp"));
        if (!envelope.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String) return Fail("type: Required");
        var type = typeElement.GetString()!;
        if (!envelope.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object) return Fail("body: Expected object");
        return ValidateBody(eventId, type, timestampMs, body);
    }

    /// <summary>
    /// An event made by this service from another format (OpenTelemetry spans): its body passes the same rules as a
    /// batch event's, so nothing the worker cannot store enters the queue by that route either.
    /// </summary>
    public static string? Recheck(AcceptedEvent e)
    {
        try
        {
            using var document = JsonDocument.Parse(e.Body, new JsonDocumentOptions { MaxDepth = 256 });
            var content = new List<string>();
            JsonText.Check(document.RootElement, "body", content);
            if (content.Count > 0) return string.Join("; ", content);
            return ValidateBody(e.EventId, e.Type, e.TimestampMs, document.RootElement).Error;
        }
        catch (JsonException ex) { return $"body: {ex.Message}"; }
    }

    static Result ValidateBody(string eventId, string type, long timestampMs, JsonElement body)
    {
        var errors = new List<string>();
        string entityType;
        switch (type)
        {
            case "trace-create":
                entityType = EntityTypes.Trace;
                ValidateTrace(body, errors);
                break;
            case "score-create":
                entityType = EntityTypes.Score;
                ValidateScore(body, errors);
                break;
            case "sdk-log":
                return new Result(null, null, Dropped: true);
            case "dataset-run-item-create":
                return Fail("type: dataset-run-item-create events are only allowed for internal usage");
            case var t when ObservationCreates.Contains(t):
                entityType = EntityTypes.Observation;
                ValidateObservation(type, body, errors);
                break;
            default:
                return Fail($"type: Invalid discriminator value '{type}'");
        }
        if (errors.Count > 0) return Fail(string.Join("; ", errors));

        // Langfuse accepts trace and score events without body.id (201) but never stores them.
        var entityId = body.TryGetProperty("id", out var bodyId) && bodyId.ValueKind == JsonValueKind.String ? bodyId.GetString() : null;
        if (string.IsNullOrEmpty(entityId)) return new Result(null, null, Dropped: true);
        return new Result(new AcceptedEvent(eventId, type, timestampMs, entityType, entityId, JsonMarshal.GetRawUtf8Value(body).ToArray()), null);
    }

    static Result Fail(string message) => new(null, message);

    static void ValidateTrace(JsonElement body, List<string> errors)
    {
        IdField(body, "id", errors, required: false);
        DateField(body, "timestamp", errors);
        StringField(body, "name", errors, maxLength: MaxNameLength);
        foreach (var name in new[] { "userId", "sessionId", "release", "version", "environment", "externalId" }) StringField(body, name, errors, MaxNameLength);
        StringArrayField(body, "tags", errors);
        BoolField(body, "public", errors);
    }

    static void ValidateObservation(string type, JsonElement body, List<string> errors)
    {
        var legacy = type.StartsWith("observation-", StringComparison.Ordinal);
        IdField(body, "id", errors, required: !legacy);
        IdField(body, "traceId", errors, required: false);
        foreach (var name in new[] { "name", "parentObservationId", "version", "environment", "model", "promptName" })
            StringField(body, name, errors, MaxNameLength);
        StringField(body, "statusMessage", errors);
        foreach (var name in new[] { "startTime", "endTime", "completionStartTime" }) DateField(body, name, errors);
        if (Present(body, "level", out var level) && (level.ValueKind != JsonValueKind.String || !Levels.Contains(level.GetString()!)))
            errors.Add("body.level: Expected 'DEBUG' | 'DEFAULT' | 'WARNING' | 'ERROR'");
        if (legacy)
        {
            if (!body.TryGetProperty("type", out var obsType) || obsType.ValueKind != JsonValueKind.String || obsType.GetString() is not ("GENERATION" or "SPAN" or "EVENT"))
                errors.Add("body.type: Expected 'GENERATION' | 'SPAN' | 'EVENT'");
        }
        if (Present(body, "modelParameters", out var mp) && mp.ValueKind != JsonValueKind.Object)
            errors.Add("body.modelParameters: Expected object");
        if (Present(body, "usage", out var usage)) ValidateUsage(usage, errors);
        if (Present(body, "usageDetails", out var ud))
        {
            if (ud.ValueKind != JsonValueKind.Object) errors.Add("body.usageDetails: Expected object");
            else Quantities(ud, "body.usageDetails", errors);
        }
        if (Present(body, "costDetails", out var cd))
        {
            if (cd.ValueKind != JsonValueKind.Object) errors.Add("body.costDetails: Expected object");
            else Quantities(cd, "body.costDetails", errors);
        }
        var hasName = Present(body, "promptName", out _);
        var hasVersion = Present(body, "promptVersion", out var pv);
        if (hasVersion && !(pv.ValueKind == JsonValueKind.Number && pv.TryGetInt32(out _))) errors.Add("body.promptVersion: Expected integer");
        if (hasName != hasVersion) errors.Add("body.promptName: promptName and promptVersion must be set together");
    }

    static void ValidateUsage(JsonElement usage, List<string> errors)
    {
        if (usage.ValueKind != JsonValueKind.Object) { errors.Add("body.usage: Expected object"); return; }
        Quantities(usage, "body.usage", errors);
        foreach (var name in new[] { "input", "output", "total", "promptTokens", "completionTokens", "totalTokens" })
            if (Present(usage, name, out var v) && !(v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _)))
                errors.Add($"body.usage.{name}: Expected integer");
        foreach (var name in new[] { "inputCost", "outputCost", "totalCost" })
            if (Present(usage, name, out var v) && v.ValueKind != JsonValueKind.Number) errors.Add($"body.usage.{name}: Expected number");
        if (Present(usage, "unit", out var unit) && (unit.ValueKind != JsonValueKind.String || !UsageUnits.Contains(unit.GetString()!)))
            errors.Add("body.usage.unit: Invalid enum value");
    }

    /// <summary>The score rules shared by score-create events and POST /api/public/scores.</summary>
    public static void ValidateScore(JsonElement body, List<string> errors)
    {
        IdField(body, "id", errors, required: false);
        if (!body.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
            errors.Add("body.name: Required non-empty string");
        else if (name.GetString()!.Length > MaxNameLength) errors.Add($"body.name: String must contain at most {MaxNameLength} character(s)");
        foreach (var field in new[] { "traceId", "observationId", "sessionId", "datasetRunId", "configId", "comment", "environment", "queueId", "executionTraceId" })
            StringField(body, field, errors);
        if (Present(body, "source", out var source) && (source.ValueKind != JsonValueKind.String || !Sources.Contains(source.GetString()!)))
            errors.Add("body.source: Expected 'API' | 'EVAL' | 'ANNOTATION'");

        string? dataType = null;
        if (Present(body, "dataType", out var dt))
        {
            if (dt.ValueKind != JsonValueKind.String || !DataTypes.Contains(dt.GetString()!))
                errors.Add("body.dataType: Expected 'NUMERIC' | 'CATEGORICAL' | 'BOOLEAN' | 'TEXT' | 'CORRECTION'");
            else dataType = dt.GetString();
        }
        if (!body.TryGetProperty("value", out var value) || value.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
            errors.Add("body.value: Required number or string");
        else
        {
            var isNumber = value.ValueKind == JsonValueKind.Number;
            switch (dataType)
            {
                case "NUMERIC" when !isNumber: errors.Add("body.value: NUMERIC scores need a number value"); break;
                case "BOOLEAN" when !isNumber || value.GetDouble() is not (0 or 1): errors.Add("body.value: BOOLEAN scores need the value 0 or 1"); break;
                case "CATEGORICAL" when isNumber: errors.Add("body.value: CATEGORICAL scores need a string value"); break;
                case "TEXT" when isNumber || value.GetString()!.Length is 0 or > 500: errors.Add("body.value: TEXT scores need a string of 1 to 500 characters"); break;
                case "CORRECTION" when isNumber: errors.Add("body.value: CORRECTION scores need a string value"); break;
            }
        }
        var targets = new[] { "traceId", "sessionId", "datasetRunId" }.Count(f => Present(body, f, out _));
        if (targets != 1) errors.Add("body: exactly one of traceId, sessionId or datasetRunId must be set");
        if (Present(body, "observationId", out _) && !Present(body, "traceId", out _)) errors.Add("body.observationId: requires traceId");
    }

    /// <summary>Present and not null (Langfuse's "nullish" fields may be omitted or null).</summary>
    static bool Present(JsonElement body, string name, out JsonElement value) =>
        body.TryGetProperty(name, out value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    static void IdField(JsonElement body, string name, List<string> errors, bool required)
    {
        if (!Present(body, name, out var v)) { if (required) errors.Add($"body.{name}: Required"); return; }
        if (v.ValueKind != JsonValueKind.String) { errors.Add($"body.{name}: Expected string, received {Kind(v)}"); return; }
        // Ids are short and plain: their raw text settles it without reading them into a string.
        var raw = JsonMarshal.GetRawUtf8Value(v);
        if (raw.Length is > 2 and <= 802 && raw.IndexOf((byte)'\\') < 0) return;
        var s = v.GetString()!;
        if (s.Length is 0 or > 800) errors.Add($"body.{name}: String must contain 1 to 800 characters");
        else if (s.Contains('\r')) errors.Add($"body.{name}: must not contain carriage returns");
    }

    static void StringField(JsonElement body, string name, List<string> errors, int maxLength = int.MaxValue)
    {
        if (!Present(body, name, out var v)) return;
        if (v.ValueKind != JsonValueKind.String) errors.Add($"body.{name}: Expected string, received {Kind(v)}");
        else if (maxLength < int.MaxValue && LongerThan(v, maxLength)) errors.Add($"body.{name}: String must contain at most {maxLength} character(s)");
    }

    /// <summary>
    /// A string's length in UTF-16 characters never exceeds its raw UTF-8 text's (escapes included), so short raw
    /// text settles it without reading the string.
    /// </summary>
    static bool LongerThan(JsonElement s, int max) => JsonMarshal.GetRawUtf8Value(s).Length - 2 > max && s.GetString()!.Length > max;

    static void DateField(JsonElement body, string name, List<string> errors)
    {
        if (!Present(body, name, out var v)) return;
        if (v.ValueKind != JsonValueKind.String || !TryParseTimestamp(v.GetString()!, out var ms))
            errors.Add($"body.{name}: Invalid datetime (ISO-8601 with Z or an offset required)");
        else if (!InStoredRange(ms)) errors.Add(OutOfRange($"body.{name}"));
    }

    static void BoolField(JsonElement body, string name, List<string> errors)
    {
        if (Present(body, name, out var v) && v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            errors.Add($"body.{name}: Expected boolean, received {Kind(v)}");
    }

    static void StringArrayField(JsonElement body, string name, List<string> errors)
    {
        if (!Present(body, name, out var v)) return;
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            errors.Add($"body.{name}: Expected array of strings");
        else if (v.GetArrayLength() > MaxTags || v.EnumerateArray().Any(e => e.GetString()!.Length > MaxNameLength))
            errors.Add($"body.{name}: at most {MaxTags} entries of at most {MaxNameLength} characters");
    }

    static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => "number", JsonValueKind.String => "string", JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array", JsonValueKind.Object => "object", _ => "null",
    };
}
