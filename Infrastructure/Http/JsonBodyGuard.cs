using Langfuse.Infrastructure.Errors;

namespace Langfuse.Infrastructure.Http;

/// <summary>The most bytes a typed endpoint's JSON body may have (gzip-decoded); marks the endpoint for <see cref="JsonBodyGuard"/>.</summary>
public sealed record JsonBodyLimit(long Bytes)
{
    /// <summary>Langfuse's own limit for its public API bodies (4.5 MB).</summary>
    public static readonly JsonBodyLimit Public = new(4_718_592);
}

/// <summary>
/// Typed JSON bodies get the guards the hand-read ones always had, before FastEndpoints binds them: gzip decoding, the
/// endpoint's size limit (413), one JSON object of depth at most 256 whose text transcodes and whose numbers are
/// finite (400 in Langfuse's shape). A body sent without a content type is taken as JSON, as Langfuse does; a
/// request without a body has no content type to bind from.
/// </summary>
public static class JsonBodyGuard
{
    public static IApplicationBuilder UseJsonBodyGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        // SDKs send "Content-Type: application/json" on GETs without a body; binding would try to parse nothing.
        if (!hasBody && request.ContentType is not null) request.ContentType = null;
        if (hasBody && context.GetEndpoint()?.Metadata.GetMetadata<JsonBodyLimit>() is { } limit)
        {
            var raw = await BodyReader.ReadBytesAsync(context, limit.Bytes, context.RequestAborted);
            if (raw.Error is not null) { await BodyReader.SendErrorAsync(context, raw, context.RequestAborted); return; }
            if (!await BodyReader.CheckObjectAsync(context, raw.Bytes!, context.RequestAborted)) return;
            request.Body = new MemoryStream(raw.Bytes!, writable: false);
            request.ContentLength = raw.Bytes!.Length;
            request.Headers.ContentEncoding = default;
            request.ContentType = "application/json";
        }
        await next(context);
    });
}
