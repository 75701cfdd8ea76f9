using FastEndpoints;
using Langfuse.Features.Ingestion.Otel;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Ingestion.ExportTraces;

/// <summary>
/// POST /api/public/otel/v1/traces: OTLP/HTTP (protobuf or JSON, gzip or not). The spans are mapped to ingestion
/// events and queued through the same durable Redis path as the batch API; 200 once Redis has them. The body is
/// decoded by the request's binder (<c>ExportTracesRequest.Binder</c>); the JSON answer is <see cref="OtlpExportResponse"/>, the
/// protobuf one its binary form.
/// </summary>
sealed class Endpoint(RedisStreamPublisher publisher, ILogger<Endpoint> log) : Endpoint<ExportTracesRequest, OtlpExportResponse>
{
    public override void Configure()
    {
        Post("/api/public/otel/v1/traces");
        RequestBinder(new ExportTracesRequest.Binder());
        // */* as well: routing answers a content type outside the Accepts list 415 itself, where OTLP/HTTP wants a 400
        // naming the problem, which the binder gives.
        Description(d => d.WithTags("Opentelemetry").Accepts<OtlpTraceExport>("application/json", "application/x-protobuf", "*/*")
            .Produces<OtlpExportResponse>(200, "application/json", "application/x-protobuf").Produces<OtlpError>(400, "application/json").Produces<OtlpError>(413, "application/json").Produces<OtlpError>(503, "application/json"));
    }

    public override async Task HandleAsync(ExportTracesRequest r, CancellationToken ct)
    {
        if (r.Problem is { } problem)
        {
            await Error(problem.Status, problem.Message);
            return;
        }
        var spans = r.Spans;
        var protobuf = r.Protobuf;
        var rejected = 0;
        string? rejection = null;
        if (spans.Count > 0)
        {
            var (events, unmappable) = OtelMapper.ToEvents(spans);
            // One span the worker could not store would fail its whole export: it is left out and reported as a
            // partial success, as OTLP defines, and the other spans are stored.
            var refused = events.Select(e => (Event: e, Error: EventValidator.Recheck(e))).Where(x => x.Error is not null).ToList();
            var refusedSpans = unmappable.Select(u => u.SpanId).Concat(refused.Where(r => r.Event.EntityType == EntityTypes.Observation).Select(r => r.Event.EntityId)).ToHashSet();
            rejected = refusedSpans.Count;
            rejection = unmappable.Select(u => $"span {u.SpanId}: {u.Error}").Concat(refused.Select(r => $"{r.Event.EntityType} {r.Event.EntityId}: {r.Error}")).FirstOrDefault();
            events = events.Except(refused.Select(r => r.Event)).ToList();
            if (rejected > 0) log.LogWarning("OTLP export: {Rejected} of {Spans} spans refused, first: {Reason}", rejected, spans.Count, rejection);
            if (events.Count == 0) goto answer;
            try { await publisher.PublishAsync(new IngestBatch(HttpContext.Project().ProjectId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), events)); }
            catch (Exception e)
            {
                // OTLP exporters retry on 503: nothing was accepted.
                log.LogError(e, "Could not queue {Count} spans", spans.Count);
                await Error(503, "Spans could not be queued; retry");
                return;
            }
        }
        answer:
        if (protobuf)
            // An empty ExportTraceServiceResponse (full success) is zero bytes.
            await Send.BytesAsync(rejected > 0 ? OtlpPartialSuccess.Protobuf(rejected, rejection!) : [], contentType: "application/x-protobuf", cancellation: ct);
        else
            await Send.OkAsync(new OtlpExportResponse(rejected > 0 ? new OtlpPartialSuccessView(rejected, rejection!) : null), ct);
    }

    Task Error(int status, string message) => Send.ResultAsync(TypedResults.Json(new OtlpError(message), statusCode: status));
}

/// <summary>OTLP/HTTP's answer to an export it refuses (400, 413, 503): the reason, whatever the request's encoding.</summary>
public sealed record OtlpError(string Error);

/// <summary>OTLP's ExportTraceServiceResponse in JSON: empty on full success.</summary>
public sealed record OtlpExportResponse(
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] OtlpPartialSuccessView? PartialSuccess);

public sealed record OtlpPartialSuccessView(long RejectedSpans, string ErrorMessage);

/// <summary>ExportTraceServiceResponse { partial_success = 1: { rejected_spans = 1 (int64), error_message = 2 } }.</summary>
static class OtlpPartialSuccess
{
    public static byte[] Protobuf(long rejectedSpans, string message)
    {
        var inner = new MemoryStream();
        var innerOut = new Google.Protobuf.CodedOutputStream(inner);
        innerOut.WriteTag(1, Google.Protobuf.WireFormat.WireType.Varint);
        innerOut.WriteInt64(rejectedSpans);
        innerOut.WriteTag(2, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        innerOut.WriteString(message);
        innerOut.Flush();
        var outer = new MemoryStream();
        var outerOut = new Google.Protobuf.CodedOutputStream(outer);
        outerOut.WriteTag(1, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        outerOut.WriteBytes(Google.Protobuf.ByteString.CopyFrom(inner.ToArray()));
        outerOut.Flush();
        return outer.ToArray();
    }
}
