using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Ingestion.Processing;

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

    /// <summary>
    /// <see cref="Stringify"/>'s text as UTF-8, for inputs and outputs: a parsed string is unescaped from the body's own
    /// bytes instead of being read as a .NET string (the transcoding was 9 % of the worker's allocations while draining).
    /// </summary>
    public static byte[]? Utf8Text(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String =>
            v.TryGetValue<JsonElement>(out var parsed) ? Infrastructure.Utf8Json.StringValue(parsed) : Encoding.UTF8.GetBytes(v.GetValue<string>()),
        _ => Infrastructure.Utf8Json.Of(value),
    };

    public static string? String(JsonObject state, string key) =>
        state[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? Time(JsonObject state, string key) =>
        String(state, key) is { } text && EventValidator.TryParseTimestamp(text, out var ms) ? ms : null;

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
            return JsonText.IsJson(text) ? JsonSerializer.Serialize(text) : text;
        }
        return Stringify(value) ?? "null";
    }

    public static string IsoMs(long ms) => Infrastructure.Http.UtcTimestampConverter.Text(ms);

    /// <summary>A stable id for an observation sent without a trace id (Langfuse draws a random one; a stable one keeps re-folds in one row).</summary>
    public static string OrphanTraceId(string projectId, string observationId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(projectId + "\n" + observationId));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
