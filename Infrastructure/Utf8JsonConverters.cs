using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Langfuse.Infrastructure;

/// <summary>
/// JSON text held as its UTF-8 bytes, written as the JSON value it is (not as a string holding it) and read back
/// from either form (a string is what entries written before held). Why bytes: event bodies are most of what the
/// ingestion worker holds, and as strings they took twice their UTF-8 size and were transcoded at every step.
/// </summary>
/// <remarks>The bytes are written unchecked: only JSON this service parsed or serialized itself is held this way.</remarks>
public sealed class RawJsonConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return Utf8StringConverter.ReadString(ref reader);
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.HasValueSequence)
        {
            // The serializer hands a converter its whole value in one buffer, and the opening token's span starts the
            // value in it: skipping to the closing token (which checks the JSON) measures it, and the bytes are copied
            // once. Parsing it into a document to copy its text was 10.6 % of the bytes the worker allocated while
            // draining a backlog.
            ref readonly var first = ref MemoryMarshal.GetReference(reader.ValueSpan);
            var start = reader.TokenStartIndex;
            if (!reader.TrySkip()) throw new JsonException("the value is incomplete");
            return MemoryMarshal.CreateReadOnlySpan(in first, checked((int)(reader.BytesConsumed - start))).ToArray();
        }
        using var value = JsonDocument.ParseValue(ref reader);
        return JsonMarshal.GetRawUtf8Value(value.RootElement).ToArray();
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value, skipInputValidation: true);
}

/// <summary>UTF-8 text held as bytes, written and read as a JSON string (a ClickHouse String column of JSON text).</summary>
public sealed class Utf8StringConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadString(ref reader);

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => WriteString(writer, value);

    static readonly SearchValues<byte> NeedEscaping = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);
    static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>
    /// The text as a JSON string, escaping only what JSON requires (quote, backslash, control characters) and passing
    /// every other byte through. The writer's own escaping goes through its encoder a character at a time at each quote,
    /// and these strings are mostly JSON (event bodies, inputs, outputs): it was 10 % of the worker's CPU samples while
    /// draining a backlog. For ClickHouse rows: ClickHouse reads the escapes the same, and the text never reaches HTML.
    /// </summary>
    internal static void WriteString(Utf8JsonWriter writer, ReadOnlySpan<byte> text)
    {
        var length = text.Length + 2;
        for (var rest = text; rest.IndexOfAny(NeedEscaping) is var i and >= 0; rest = rest[(i + 1)..])
            length += ShortEscape(rest[i]) != 0 ? 1 : 5;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var output = rented.AsSpan(0, length);
            output[0] = (byte)'"';
            var at = 1;
            var rest = text;
            for (int i; (i = rest.IndexOfAny(NeedEscaping)) >= 0; rest = rest[(i + 1)..])
            {
                rest[..i].CopyTo(output[at..]);
                at += i;
                output[at++] = (byte)'\\';
                if (ShortEscape(rest[i]) is var letter and not 0) output[at++] = letter;
                else
                {
                    "u00"u8.CopyTo(output[at..]);
                    output[at + 3] = Hex[rest[i] >> 4];
                    output[at + 4] = Hex[rest[i] & 0xf];
                    at += 5;
                }
            }
            rest.CopyTo(output[at..]);
            output[^1] = (byte)'"';
            writer.WriteRawValue(output, skipInputValidation: true);
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>The letter of a byte's two-character escape (\" \\ \n \r \t), or 0 for one written as \u00XX.</summary>
    static byte ShortEscape(byte b) => b switch
    {
        (byte)'"' or (byte)'\\' => b,
        (byte)'\n' => (byte)'n',
        (byte)'\r' => (byte)'r',
        (byte)'\t' => (byte)'t',
        _ => 0,
    };

    internal static byte[] ReadString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"expected a string, found {reader.TokenType}");
        if (!reader.ValueIsEscaped && !reader.HasValueSequence) return reader.ValueSpan.ToArray();
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length); // unescaping never makes the text longer
        try { return buffer.AsSpan(0, reader.CopyString(buffer)).ToArray(); }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }
}

/// <summary>JSON text as UTF-8 bytes, without the detour through a .NET string.</summary>
public static class Utf8Json
{
    /// <summary>The node's JSON text exactly as <see cref="JsonNode.ToJsonString"/> writes it (default writer options), as UTF-8.</summary>
    /// <remarks>
    /// Written into a rented array and copied out once: a growing <see cref="ArrayBufferWriter{T}"/> (the writer asks for
    /// room to escape every character of each string) was 9.6 % of the bytes the worker allocated while draining a backlog.
    /// </remarks>
    public static byte[] Of(JsonNode node)
    {
        using var buffer = new RentedBufferWriter(4096);
        using (var writer = new Utf8JsonWriter(buffer)) node.WriteTo(writer);
        return buffer.WrittenMemory.ToArray();
    }

    /// <summary>A parsed JSON string's value, unescaped from the document's own bytes.</summary>
    public static byte[] StringValue(JsonElement text)
    {
        var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(text));
        reader.Read();
        return Utf8StringConverter.ReadString(ref reader);
    }
}
