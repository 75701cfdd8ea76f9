using System.Globalization;
using System.Text.Json.Nodes;

namespace Langfuse.Infrastructure.ClickHouse;

/// <summary>Values of a JSONEachRow row read as JsonNode: ClickHouse quotes 64-bit integers, so strings and numbers both read as text.</summary>
public static class ClickHouseJson
{
    public static string Text(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        null => "",
        _ => node.ToJsonString(),
    };

    public static long Long(JsonNode? node) => long.Parse(Text(node), CultureInfo.InvariantCulture);
}
