using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Langfuse.Features.Tracing.Processing;

/// <summary>Small conversions shared by the row mappers, each following Langfuse's behaviour.</summary>
public static partial class Values
{
    [GeneratedRegex("^[a-z0-9-_]+$")]
    private static partial Regex EnvironmentPattern();

    /// <summary>Lower-cased, leading "langfuse"/"langfuse-"/"langfuse_" prefixes stripped, at most 40 chars, else "default".</summary>
    public static string Environment(JsonNode? value)
    {
        if (value?.GetValueKind() != JsonValueKind.String) return "default";
        var env = value.GetValue<string>().ToLowerInvariant();
        while (env.StartsWith("langfuse", StringComparison.Ordinal))
        {
            env = env["langfuse".Length..];
            if (env.StartsWith('-') || env.StartsWith('_')) env = env[1..];
        }
        if (env.Length > 40) env = env[..40];
        return env.Length > 0 && EnvironmentPattern().IsMatch(env) ? env : "default";
    }

    /// <summary>Input, output and metadata values are stored as text: strings verbatim, anything else as JSON.</summary>
    public static string? Stringify(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    public static string? String(JsonObject state, string key) =>
        state[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? Time(JsonObject state, string key) =>
        String(state, key) is { } text && Ingest.EventValidator.TryParseTimestamp(text, out var ms) ? ms : null;

    public static (string[] Keys, string[] Values) Metadata(JsonObject state)
    {
        if (state["metadata"] is not JsonObject metadata) return ([], []);
        return (metadata.Select(kv => kv.Key).ToArray(), metadata.Select(kv => MetadataText(kv.Value)).ToArray());
    }

    /// <summary>
    /// A metadata value as stored: non-strings as JSON, strings verbatim, except a string that is itself valid JSON
    /// ("42", "true", "1983516295378495150"), which is stored JSON-quoted. Reads parse stored text back where it parses,
    /// so without the quotes such a string would come back as a number (and lose digits).
    /// </summary>
    public static string MetadataText(JsonNode? value)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var text = v.GetValue<string>();
            return IsJson(text) ? JsonSerializer.Serialize(text) : text;
        }
        return Stringify(value) ?? "null";
    }

    /// <summary>
    /// Whether text may parse as JSON when read back (<see cref="Storage.ApiViews.ParseIfPossible"/>). It may say yes
    /// for text that is not JSON (such text is then quoted needlessly, and still reads back as itself), never the
    /// reverse. Words and numbers are told apart without a parse attempt: on the ingestion path a thrown JsonException
    /// per metadata value ("test", "foo") would cost more than the rest of its handling.
    /// </summary>
    public static bool IsJson(string text)
    {
        if (!MayBeJson(text)) return false;
        if (text.AsSpan().TrimStart()[0] is not ('{' or '[' or '"')) return true;
        try { using var _ = JsonDocument.Parse(text, DeepJson); return true; }
        catch (JsonException) { return false; }
    }

    static readonly JsonDocumentOptions DeepJson = new() { MaxDepth = 512 };

    /// <summary>
    /// The cheap half of <see cref="IsJson"/>: false for text that cannot be JSON, decided without parsing; objects,
    /// arrays and strings are left to a parse (readers parse them anyway).
    /// </summary>
    public static bool MayBeJson(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length == 0) return false;
        return trimmed[0] switch
        {
            't' or 'f' or 'n' => trimmed is "true" or "false" or "null",
            '-' or (>= '0' and <= '9') => double.TryParse(trimmed, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _),
            '{' or '[' or '"' => true,
            _ => false,
        };
    }

    public static string IsoMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    /// <summary>A stable id for an observation sent without a trace id (Langfuse draws a random one; a stable one keeps re-folds in one row).</summary>
    public static string OrphanTraceId(string projectId, string observationId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(projectId + "\n" + observationId));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
