using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Langfuse.Infrastructure.Http;

/// <summary>
/// What every accepted value must be so that the worker can never fail on it later: text that transcodes (no lone
/// UTF-16 surrogate, which SDKs produce when they cut an emoji in half, and no invalid UTF-8), finite numbers
/// (1e400 parses as a JSON number but is Infinity, which no JSON writer can write back), and bounded nesting.
/// A value that fails is a 400 naming its path (per event in a batch), so it never reaches a store or a queue.
/// </summary>
public static class JsonText
{
    /// <summary>Deepest nesting accepted inside one value (requests are parsed with a limit of 256 levels in all).</summary>
    public const int MaxDepth = 250;

    /// <summary>Adds at most one error per problem kind, naming the first path where it occurs.</summary>
    public static void Check(JsonElement element, string path, List<string> errors)
    {
        // Nearly every value passes, and deciding that from the raw UTF-8 allocates nothing; the walk below, which
        // reads every string and builds every path so that it can name one, ran at ~10 % of the service's CPU while
        // the API took 25,000 events/s. It now runs only for a value that has a problem.
        if (SurelyClean(element, 0)) return;
        var found = new Findings();
        Walk(element, path, 0, found);
        if (found.Text is not null) errors.Add($"{found.Text}: invalid text (a lone UTF-16 surrogate or invalid UTF-8)");
        if (found.Number is not null) errors.Add($"{found.Number}: number out of range (must be finite)");
        if (found.Depth is not null) errors.Add($"{found.Depth}: nested deeper than {MaxDepth} levels");
    }

    sealed class Findings { public string? Text, Number, Depth; }

    static void Walk(JsonElement element, string path, int depth, Findings found)
    {
        if (depth > MaxDepth) { found.Depth ??= path; return; }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Transcodes(property)) { found.Text ??= path; continue; }
                    Walk(property.Value, path + "." + property.Name, depth + 1, found);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) Walk(item, $"{path}[{i++}]", depth + 1, found);
                break;
            case JsonValueKind.String:
                if (!Transcodes(element)) found.Text ??= path;
                break;
            case JsonValueKind.Number:
                if (!element.TryGetDouble(out var d) || !double.IsFinite(d)) found.Number ??= path;
                break;
        }
    }

    /// <summary>True only when nothing in the value can fail; false sends it to the walk that decides and names.</summary>
    static bool SurelyClean(JsonElement element, int depth)
    {
        if (depth > MaxDepth) return false;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    if (!SurelyTranscodes(JsonMarshal.GetRawUtf8PropertyName(property)) || !SurelyClean(property.Value, depth + 1)) return false;
                return true;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (!SurelyClean(item, depth + 1)) return false;
                return true;
            case JsonValueKind.String:
                return SurelyTranscodes(JsonMarshal.GetRawUtf8Value(element));
            case JsonValueKind.Number:
                // Without an exponent, a number of fewer than 300 digits is below double's 1.8e308.
                var raw = JsonMarshal.GetRawUtf8Value(element);
                return raw.Length < 300 && raw.IndexOfAny((byte)'e', (byte)'E') < 0;
            default:
                return true;
        }
    }

    /// <summary>
    /// Raw JSON string text that certainly reads back as a string: valid UTF-8 with no <c>\u</c> escape that may be
    /// a surrogate (a lone one is the only escape that cannot transcode). Says no to some good text, never yes to bad.
    /// </summary>
    static bool SurelyTranscodes(ReadOnlySpan<byte> raw)
    {
        if (!Utf8.IsValid(raw)) return false;
        for (var i = raw.IndexOf("\\u"u8); i >= 0; i = raw.IndexOf("\\u"u8))
        {
            if (i + 2 < raw.Length && (raw[i + 2] | 0x20) == 'd') return false;
            raw = raw[(i + 2)..];
        }
        return true;
    }

    static bool Transcodes(JsonElement s)
    {
        try { s.GetString(); return true; }
        catch (InvalidOperationException) { return false; }
    }

    static bool Transcodes(JsonProperty p)
    {
        try { _ = p.Name; return true; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>
    /// JSON from a query parameter, parsed, with its text and numbers checked; malformed JSON, text that does not
    /// transcode or numbers that are not finite are a 400 naming the parameter.
    /// </summary>
    public static System.Text.Json.Nodes.JsonNode? ParseParameter(string name, string json)
    {
        try
        {
            using (var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 }))
            {
                var problems = new List<string>();
                Check(document.RootElement, name, problems);
                if (problems.Count > 0) throw new Errors.ApiProblem(400, string.Join("; ", problems));
            }
            return System.Text.Json.Nodes.JsonNode.Parse(json);
        }
        catch (JsonException) { return null; }
    }

    /// <summary>
    /// Whether text may parse as JSON when read back (readers parse stored text back where it parses). It may say yes
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

    /// <summary>A string property, or null when it is absent, not a string, or does not transcode.</summary>
    public static string? SafeString(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String) return null;
        try { return v.GetString(); }
        catch (InvalidOperationException) { return null; }
    }
}
