using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Langfuse.Infrastructure.Http;

/// <summary>Timestamps in typed responses as Langfuse (JavaScript's Date) writes them: UTC, milliseconds, "Z".</summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Reading is unchanged: ISO 8601 as System.Text.Json parses it.</summary>
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(Text(value));

    /// <summary>The one text form of a timestamp, wherever one is written by hand (event bodies, metric rows).</summary>
    public static string Text(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static string Text(DateTime utc) => utc.ToString(Format, CultureInfo.InvariantCulture);

    public static string Text(long unixMilliseconds) => Text(DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds));
}
