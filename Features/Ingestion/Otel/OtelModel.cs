using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Langfuse.Features.Ingestion.Otel.Proto;

namespace Langfuse.Features.Ingestion.Otel;

/// <summary>A span as received, independent of the wire format; attribute values already decoded to JSON.</summary>
public sealed record OtelSpan(
    string TraceId, string SpanId, string? ParentSpanId, string Name, long StartNs, long EndNs,
    Dictionary<string, JsonNode?> Attributes, List<OtelEvent> Events, int StatusCode, string? StatusMessage,
    Dictionary<string, JsonNode?> Resource, string? ScopeName, string? ScopeVersion, Dictionary<string, JsonNode?> ScopeAttributes);

public sealed record OtelEvent(string Name, long TimeNs, Dictionary<string, JsonNode?> Attributes);

public sealed class OtlpFormatException(string message) : Exception(message);

/// <summary>Reads OTLP/HTTP trace exports (protobuf and JSON) into <see cref="OtelSpan"/>s.</summary>
public static class OtlpDecoder
{
    public static List<OtelSpan> FromProtobuf(byte[] body)
    {
        ExportTraceServiceRequest request;
        try { request = ExportTraceServiceRequest.Parser.ParseFrom(body); }
        catch (InvalidProtocolBufferException e) { throw new OtlpFormatException($"Failed to parse OTel protobuf trace export: {e.Message}"); }
        var spans = new List<OtelSpan>();
        foreach (var rs in request.ResourceSpans)
        {
            var resource = Attributes(rs.Resource?.Attributes);
            foreach (var ss in rs.ScopeSpans)
            {
                var scopeAttributes = Attributes(ss.Scope?.Attributes);
                foreach (var s in ss.Spans)
                {
                    if (s.TraceId.IsEmpty || s.SpanId.IsEmpty) throw new OtlpFormatException("Invalid OTLP trace export: every span needs a traceId and a spanId");
                    spans.Add(new OtelSpan(
                        Convert.ToHexStringLower(s.TraceId.Span), Convert.ToHexStringLower(s.SpanId.Span),
                        s.ParentSpanId.IsEmpty ? null : Convert.ToHexStringLower(s.ParentSpanId.Span), s.Name,
                        (long)s.StartTimeUnixNano, (long)s.EndTimeUnixNano, Attributes(s.Attributes),
                        s.Events.Select(e => new OtelEvent(e.Name, (long)e.TimeUnixNano, Attributes(e.Attributes))).ToList(),
                        (int)(s.Status?.Code ?? Proto.Status.Types.StatusCode.Unset), NullIfEmpty(s.Status?.Message),
                        resource, NullIfEmpty(ss.Scope?.Name), NullIfEmpty(ss.Scope?.Version), scopeAttributes));
                }
            }
        }
        return spans;
    }

    static Dictionary<string, JsonNode?> Attributes(IEnumerable<KeyValue>? values)
    {
        var result = new Dictionary<string, JsonNode?>();
        if (values is null) return result;
        foreach (var kv in values) result[kv.Key] = Value(kv.Value);
        return result;
    }

    static JsonNode? Value(AnyValue? v) => v?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => v.StringValue,
        AnyValue.ValueOneofCase.BoolValue => v.BoolValue,
        AnyValue.ValueOneofCase.IntValue => v.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => double.IsFinite(v.DoubleValue) ? v.DoubleValue : v.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => new JsonArray(v.ArrayValue.Values.Select(Value).ToArray()),
        AnyValue.ValueOneofCase.KvlistValue => new JsonObject(v.KvlistValue.Values.Select(kv => KeyValuePair.Create(kv.Key, Value(kv.Value)))),
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(v.BytesValue.Span),
        _ => null,
    };

    public static List<OtelSpan> FromJson(byte[] body)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 256 }); }
        catch (JsonException e) { throw new OtlpFormatException($"Failed to parse OTel JSON Trace: {e.Message}"); }
        if (root is not JsonObject obj) throw new OtlpFormatException("Failed to parse OTel JSON Trace: the body is not an object");
        var spans = new List<OtelSpan>();
        foreach (var rs in Array(obj["resourceSpans"], "resourceSpans"))
        {
            var resource = JsonAttributes((rs as JsonObject)?["resource"]?["attributes"], "resource.attributes");
            foreach (var ss in Array(rs?["scopeSpans"], "scopeSpans"))
            {
                var scope = ss?["scope"] as JsonObject;
                var scopeAttributes = JsonAttributes(scope?["attributes"], "scope.attributes");
                foreach (var s in Array(ss?["spans"], "spans"))
                {
                    if (s is not JsonObject span) throw new OtlpFormatException("Invalid OTLP trace export: a span is not an object");
                    var traceId = Id(span["traceId"]) ?? throw new OtlpFormatException("Invalid OTLP trace export: every span needs a traceId");
                    var spanId = Id(span["spanId"]) ?? throw new OtlpFormatException("Invalid OTLP trace export: every span needs a spanId");
                    var status = span["status"] as JsonObject;
                    spans.Add(new OtelSpan(traceId, spanId, Id(span["parentSpanId"]) is { Length: > 0 } parent ? parent : null,
                        Str(span["name"]) ?? "", Nanos(span["startTimeUnixNano"]), Nanos(span["endTimeUnixNano"]),
                        JsonAttributes(span["attributes"], "attributes"),
                        Array(span["events"], "events").Select(e => new OtelEvent(Str(e?["name"]) ?? "", Nanos(e?["timeUnixNano"]), JsonAttributes(e?["attributes"], "events.attributes"))).ToList(),
                        status?["code"] is { } code ? StatusCode(code) : 0, Str(status?["message"]) is { Length: > 0 } m ? m : null,
                        resource, Str(scope?["name"]), Str(scope?["version"]), scopeAttributes));
                }
            }
        }
        return spans;
    }

    static IEnumerable<JsonNode?> Array(JsonNode? node, string what) => node switch
    {
        null => [],
        JsonArray a => a,
        _ => throw new OtlpFormatException($"Invalid OTLP trace export: {what} must be an array"),
    };

    static Dictionary<string, JsonNode?> JsonAttributes(JsonNode? node, string what)
    {
        var result = new Dictionary<string, JsonNode?>();
        foreach (var kv in Array(node, what))
            if (kv is JsonObject o && Str(o["key"]) is { } key) result[key] = JsonValue(o["value"]);
        return result;
    }

    static JsonNode? JsonValue(JsonNode? v)
    {
        if (v is not JsonObject o) return null;
        if (o["stringValue"] is { } s) return s.DeepClone();
        if (o["boolValue"] is { } b) return b.DeepClone();
        if (o["intValue"] is { } i) return i.GetValueKind() == JsonValueKind.String && long.TryParse(i.GetValue<string>(), out var n) ? n : i.DeepClone();
        if (o["doubleValue"] is { } d) return d.GetValueKind() == JsonValueKind.String && double.TryParse(d.GetValue<string>(), CultureInfo.InvariantCulture, out var x) ? x : d.DeepClone();
        if (o["arrayValue"] is JsonObject arr) return new JsonArray(Array(arr["values"], "arrayValue.values").Select(JsonValue).ToArray());
        if (o["kvlistValue"] is JsonObject kv) return new JsonObject(JsonAttributes(kv["values"], "kvlistValue.values"));
        if (o["bytesValue"] is { } bytes) return bytes.DeepClone();
        return null;
    }

    /// <summary>Hex as sent in OTLP/JSON, or a byte array / {"type":"Buffer","data":[…]} as some exporters send.</summary>
    static string? Id(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().ToLowerInvariant(),
        JsonArray a => Convert.ToHexStringLower(a.Select(x => (byte)x!.GetValue<int>()).ToArray()),
        JsonObject o when o["data"] is JsonArray data => Convert.ToHexStringLower(data.Select(x => (byte)x!.GetValue<int>()).ToArray()),
        _ => throw new OtlpFormatException("Invalid OTLP trace export: span ids must be hex strings or byte arrays"),
    };

    static long Nanos(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String && long.TryParse(v.GetValue<string>(), out var n) => n,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => (long)v.GetValue<double>(),
        JsonObject o when o["low"] is { } low && o["high"] is { } high => (long)(((ulong)high.GetValue<uint>() << 32) | low.GetValue<uint>()),
        _ => 0,
    };

    static int StatusCode(JsonNode code) => code.GetValueKind() == JsonValueKind.Number ? code.GetValue<int>()
        : code.GetValue<string>() switch { "STATUS_CODE_ERROR" => 2, "STATUS_CODE_OK" => 1, _ => 0 };

    static string? Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
    static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
