using FastEndpoints;
using Langfuse.Features.Ingestion.Otel;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Ingestion.ExportTraces;

/// <summary>
/// An OTLP trace export, decoded: its spans in either encoding, and which encoding the answer must use. A body that
/// cannot be read is not a binding failure in Langfuse's 400 shape: OTLP/HTTP answers it with its own
/// <c>{"error": …}</c> and a status, so the binder keeps the <see cref="Problem"/> for the endpoint to send.
/// </summary>
public sealed record ExportTracesRequest(IReadOnlyList<OtelSpan> Spans, bool Protobuf, ExportTracesRequest.BindProblem? Problem)
{
    public sealed record BindProblem(int Status, string Message);

    public const long MaxBodyBytes = 32 * 1024 * 1024;

    static ExportTracesRequest Refused(int status, string message, bool protobuf = false) => new([], protobuf, new BindProblem(status, message));

    public sealed class Binder : IRequestBinder<ExportTracesRequest>
    {
        public async ValueTask<ExportTracesRequest> BindAsync(BinderContext ctx, CancellationToken ct)
        {
            var request = ctx.HttpContext.Request;
            var contentType = request.ContentType ?? "";
            var protobuf = contentType.Contains("application/x-protobuf", StringComparison.OrdinalIgnoreCase);
            if (!protobuf && !contentType.Contains("application/json", StringComparison.OrdinalIgnoreCase))
                return Refused(400, "Invalid content type");
            if (request.Headers["x-langfuse-ingestion-version"].FirstOrDefault() is { } version && !(int.TryParse(version, out var v) && v <= 4))
                return Refused(400, $"Unsupported x-langfuse-ingestion-version: {version}", protobuf);
            var body = await BodyReader.ReadBytesAsync(ctx.HttpContext, MaxBodyBytes, ct);
            if (body.Error is not null) return Refused(body.Status, body.Error, protobuf);
            try { return new(protobuf ? OtlpDecoder.FromProtobuf(body.Bytes!) : OtlpDecoder.FromJson(body.Bytes!), protobuf, null); }
            catch (OtlpFormatException e) { return Refused(400, e.Message, protobuf); }
        }
    }
}
