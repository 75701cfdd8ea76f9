using System.Buffers;
using System.IO.Compression;
using System.Text.Json;

namespace Langfuse.Infrastructure.Errors;

/// <summary>
/// Reads a request body with a byte limit (checked before and while reading, so an oversized body is refused
/// without being buffered) and parses it as JSON; malformed JSON is a 400 naming the problem.
/// </summary>
public static class BodyReader
{
    public sealed record Result(JsonDocument? Document, byte[]? Bytes, int Status, string? Error);

    public static async Task<Result> ReadBytesAsync(HttpContext context, long maxBytes, CancellationToken ct)
    {
        if (context.Request.ContentLength > maxBytes) return TooLarge(maxBytes);
        var stream = context.Request.Body;
        var gzip = string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
        int? known = context.Request.ContentLength is > 0 and < 1_000_000 and var length ? (int)length : null;
        if (!gzip && known is { } exact) return await ReadExactlyAsync(stream, exact, maxBytes, ct);
        if (gzip) stream = new GZipStream(stream, CompressionMode.Decompress);
        var buffer = new ArrayBufferWriter<byte>(known + 1 ?? 64 * 1024);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var read = await stream.ReadAsync(memory, ct);
                if (read == 0) break;
                buffer.Advance(read);
                if (buffer.WrittenCount > maxBytes) return TooLarge(maxBytes);
            }
        }
        catch (InvalidDataException) { return new Result(null, null, 400, "Request body is not valid gzip"); }
        catch (BadHttpRequestException e) when (e.StatusCode == 413) { return TooLarge(maxBytes); }
        return new Result(null, buffer.WrittenSpan.ToArray(), 200, null);
    }

    /// <summary>
    /// A body of known length is read straight into an array of that length: an ingestion request of 100 events is
    /// ~150 KB, and growing a buffer and then copying it allocated that twice, zeroed, on the large-object heap. Only up
    /// to 1 MB: a larger Content-Length is believed as the bytes arrive, not before.
    /// </summary>
    static async Task<Result> ReadExactlyAsync(Stream stream, int length, long maxBytes, CancellationToken ct)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(length);
        int filled;
        try { filled = await stream.ReadAtLeastAsync(bytes, length, throwOnEndOfStream: false, ct); }
        catch (BadHttpRequestException e) when (e.StatusCode == 413) { return TooLarge(maxBytes); }
        return new Result(null, filled == length ? bytes : bytes[..filled], 200, null);
    }

    public static async Task<Result> ReadJsonAsync(HttpContext context, long maxBytes, CancellationToken ct)
    {
        var raw = await ReadBytesAsync(context, maxBytes, ct);
        if (raw.Error is not null) return raw;
        try
        {
            return new Result(JsonDocument.Parse(raw.Bytes, new JsonDocumentOptions { MaxDepth = 256 }), raw.Bytes, 200, null);
        }
        catch (JsonException e)
        {
            return new Result(null, null, 400, $"Invalid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// The body as a JSON object, parsed once; on a missing, oversized, malformed or non-object body the error response
    /// is written and null returned.
    /// </summary>
    public static async Task<System.Text.Json.Nodes.JsonObject?> ReadObjectAsync(HttpContext context, long maxBytes, CancellationToken ct)
    {
        var raw = await ReadBytesAsync(context, maxBytes, ct);
        if (raw.Error is not null) { await SendErrorAsync(context, raw, ct); return null; }
        if (!await CheckObjectAsync(context, raw.Bytes!, ct)) return null;
        return (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(raw.Bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 256 })!;
    }

    /// <summary>
    /// Whether the bytes are one JSON object (depth at most 256) whose text transcodes and whose numbers are finite;
    /// otherwise the 400 is written. Such values would fail later, far from the request.
    /// </summary>
    public static async Task<bool> CheckObjectAsync(HttpContext context, byte[] bytes, CancellationToken ct)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                await PublicApiErrors.WriteAsync(context, 400, "Invalid request data: body must be a JSON object", "InvalidRequestError");
                return false;
            }
            var problems = new List<string>();
            Http.JsonText.Check(document.RootElement, "body", problems);
            if (problems.Count == 0) return true;
            await PublicApiErrors.WriteAsync(context, 400, "Invalid request data: " + string.Join("; ", problems), "InvalidRequestError");
        }
        catch (JsonException e)
        {
            await SendErrorAsync(context, new Result(null, null, 400, $"Invalid JSON: {e.Message}"), ct);
        }
        return false;
    }

    /// <summary>An optional string field of a JSON body; any other JSON type is a 400 naming the field.</summary>
    public static string? OptionalString(System.Text.Json.Nodes.JsonObject body, string key) => body[key] switch
    {
        null => null,
        System.Text.Json.Nodes.JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new ApiProblem(400, $"{key}: must be a string"),
    };

    /// <summary>An optional list-of-strings field of a JSON body; anything else is a 400 naming the field.</summary>
    public static List<string>? OptionalStrings(System.Text.Json.Nodes.JsonObject body, string key) => body[key] switch
    {
        null => null,
        System.Text.Json.Nodes.JsonArray a when a.All(x => x?.GetValueKind() == JsonValueKind.String) => a.Select(x => x!.GetValue<string>()).ToList(),
        _ => throw new ApiProblem(400, $"{key}: must be a list of strings"),
    };

    static Result TooLarge(long maxBytes) =>
        new(null, null, 413, $"Request body exceeds the limit of {maxBytes / 1024.0 / 1024.0:0.#} MB");

    public static Task SendErrorAsync(HttpContext context, Result result, CancellationToken ct)
    {
        context.Response.StatusCode = result.Status;
        return result.Status == 413
            ? context.Response.WriteAsJsonAsync(new { message = result.Error, error = "PayloadTooLargeError" }, ct)
            : context.Response.WriteAsJsonAsync(new { message = "Invalid request data", errors = new[] { result.Error } }, ct);
    }
}

public static class RouteValues
{
    /// <summary>
    /// A path parameter as the client meant it, decoded exactly once. Kestrel decodes every escape except %2F, which
    /// Langfuse's clients send for ids and names containing slashes (prompts in folders, dataset names); replacing
    /// "%2F" in the route value afterwards would decode "%252F" twice. So the raw segment the value came from is found
    /// in the request target and decoded once.
    /// </summary>
    public static string Decoded(this HttpContext context, string name)
    {
        var value = context.Request.RouteValues[name]?.ToString() ?? "";
        if (!value.Contains('%')) return value; // no escape Kestrel left: nothing to finish
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? "";
        foreach (var segment in raw.Split('?', 2)[0].Split('/'))
            if (KestrelDecoded(segment) == value) return Uri.UnescapeDataString(segment);
        // A host without the raw target (the in-memory test server) decoded it all but %2F.
        return value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What Kestrel makes of a raw path segment: every escape decoded but %2F.</summary>
    static string KestrelDecoded(string segment) =>
        Uri.UnescapeDataString(segment.Replace("%2F", "%252F", StringComparison.Ordinal).Replace("%2f", "%252f", StringComparison.Ordinal));
}
