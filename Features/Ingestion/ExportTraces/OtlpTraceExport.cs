namespace Langfuse.Features.Ingestion.ExportTraces;

// OTLP's ExportTraceServiceRequest as OTLP/JSON spells it (the protobuf form has the same fields), for the API page
// and generated clients: the binder decodes the wire format itself (ids as hex or byte arrays, 64-bit numbers as
// strings or numbers), so these records describe the body, they do not bind it.

/// <summary>An OTLP/HTTP trace export: spans grouped by the resource and the instrumentation scope that made them.</summary>
public sealed record OtlpTraceExport(IReadOnlyList<OtlpResourceSpans> ResourceSpans);

public sealed record OtlpResourceSpans(OtlpResource? Resource, IReadOnlyList<OtlpScopeSpans> ScopeSpans);

public sealed record OtlpResource(IReadOnlyList<OtlpKeyValue>? Attributes);

public sealed record OtlpScopeSpans(OtlpScope? Scope, IReadOnlyList<OtlpSpan> Spans);

public sealed record OtlpScope(string? Name, string? Version, IReadOnlyList<OtlpKeyValue>? Attributes);

/// <param name="TraceId">16 bytes as 32 hex digits.</param>
/// <param name="SpanId">8 bytes as 16 hex digits.</param>
/// <param name="StartTimeUnixNano">Nanoseconds since the epoch, as a decimal string.</param>
public sealed record OtlpSpan(
    string TraceId, string SpanId, string? ParentSpanId, string Name, int? Kind,
    string StartTimeUnixNano, string EndTimeUnixNano, IReadOnlyList<OtlpKeyValue>? Attributes,
    IReadOnlyList<OtlpSpanEvent>? Events, OtlpStatus? Status);

public sealed record OtlpSpanEvent(string Name, string TimeUnixNano, IReadOnlyList<OtlpKeyValue>? Attributes);

/// <param name="Code">0 unset, 1 ok, 2 error.</param>
public sealed record OtlpStatus(int? Code, string? Message);

public sealed record OtlpKeyValue(string Key, OtlpAnyValue Value);

/// <summary>Exactly one of the fields is set; <c>intValue</c> is a 64-bit integer as a decimal string.</summary>
public sealed record OtlpAnyValue(
    string? StringValue, bool? BoolValue, string? IntValue, double? DoubleValue,
    OtlpArrayValue? ArrayValue, OtlpKeyValueList? KvlistValue, string? BytesValue);

public sealed record OtlpArrayValue(IReadOnlyList<OtlpAnyValue> Values);

public sealed record OtlpKeyValueList(IReadOnlyList<OtlpKeyValue> Values);
