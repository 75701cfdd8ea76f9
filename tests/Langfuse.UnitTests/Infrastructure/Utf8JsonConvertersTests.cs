using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json;
using Langfuse.Features.Ingestion;
using Langfuse.Features.Ingestion.Processing;

namespace Langfuse.UnitTests.Infrastructure;

/// <summary>Event bodies held as UTF-8: in queue entries as the JSON itself, in ClickHouse rows as a string.</summary>
public sealed class Utf8JsonConvertersTests
{
    static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    const string Body = """{"id":"t-1","name":"caf\u00e9 \"quoted\" 日本","input":{"a":[1,2.5,null]},"esc":"\\n<>"}""";

    [Fact]
    public void A_queue_entry_embeds_the_body_as_the_object_and_reads_back_the_same_bytes()
    {
        var accepted = new AcceptedEvent("e-1", "trace-create", 1, EntityTypes.Trace, "t-1", Encoding.UTF8.GetBytes(Body));
        var json = JsonSerializer.Serialize(accepted, Web);
        json.ShouldContain("\"body\":" + Body); // the object itself, not a string holding it
        var back = JsonSerializer.Deserialize<AcceptedEvent>(json, Web)!;
        Encoding.UTF8.GetString(back.Body).ShouldBe(Body);
    }

    [Fact]
    public void An_entry_written_before_with_the_body_as_a_string_still_reads()
    {
        var before = JsonSerializer.Serialize(new { eventId = "e-1", type = "trace-create", timestampMs = 1, entityType = "trace", entityId = "t-1", body = Body }, Web);
        var read = JsonSerializer.Deserialize<AcceptedEvent>(before, Web)!;
        Encoding.UTF8.GetString(read.Body).ShouldBe(Body);
        JsonDocument.Parse(read.Body).RootElement.GetProperty("name").GetString().ShouldBe("café \"quoted\" 日本");
    }

    [Fact]
    public void A_log_row_writes_the_body_as_a_string_and_reads_it_back_unescaped()
    {
        var row = new EventLogRow("p", "trace", "t-1", "e-1", "trace-create", 1, 2, Encoding.UTF8.GetBytes(Body));
        var json = JsonSerializer.Serialize(row, Web);
        JsonDocument.Parse(json).RootElement.GetProperty("body").GetString().ShouldBe(Body);
        Encoding.UTF8.GetString(JsonSerializer.Deserialize<EventLogRow>(json, Web)!.Body).ShouldBe(Body);
        // Unescaped text is taken as it lies, escaped text is unescaped: both give the body's bytes.
        var plain = JsonSerializer.Serialize(new { projectId = "p", entityType = "trace", entityId = "t", eventId = "e", eventType = "trace-create", eventTs = 1, receivedAt = 2, body = "{}" }, Web);
        Encoding.UTF8.GetString(JsonSerializer.Deserialize<EventLogRow>(plain, Web)!.Body).ShouldBe("{}");
    }

    [Fact]
    public void Bodies_read_back_as_written_from_a_stream_that_splits_them_across_buffers()
    {
        // Bodies of every size around the reader's buffer (the serializer reads a stream 16 KB at a time), with
        // whitespace, escapes, arrays and nesting: each reads back byte for byte.
        var bodies = Enumerable.Range(0, 60).Select(i => (i % 3) switch
        {
            0 => "{ \"n\" : " + i + ", \"s\":\"" + new string('x', i * 700) + "\\\"\" }",
            1 => Body,
            _ => "[1, {\"a\": [true, null, {\"b\": \"\\u00e9\"}]}, " + new string(' ', i * 300) + "2]",
        }).ToList();
        var json = new StringBuilder("{\"projectId\":\"p\",\"receivedAtMs\":1,\"events\":[");
        for (var i = 0; i < bodies.Count; i++)
            json.Append(i > 0 ? "," : "").Append($"{{\"eventId\":\"e{i}\",\"type\":\"trace-create\",\"timestampMs\":1,\"entityType\":\"trace\",\"entityId\":\"t\",\"body\":{bodies[i]}}}");
        json.Append("]}");
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json.ToString()));
        var batch = JsonSerializer.Deserialize<IngestBatch>(stream, Web)!;
        batch.Events.Select(e => Encoding.UTF8.GetString(e.Body)).ShouldBe(bodies);
    }

    [Theory]
    [InlineData("""{"body":{"a":1""")]
    [InlineData("""{"body":{"a":}}""")]
    [InlineData("""{"body":[1,2}""")]
    public void A_broken_body_fails_the_entry(string json) =>
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<BodyOnly>(json, Web));

    sealed record BodyOnly([property: System.Text.Json.Serialization.JsonConverter(typeof(Langfuse.Infrastructure.RawJsonConverter))] byte[] Body);

    public static TheoryData<string> Texts => new()
    {
        "",
        "plain",
        Body,
        "\"",
        "\\",
        "ends with a backslash \\",
        "line\nbreak\r\nand\ttab",
        string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\u007f",
        "emoji 🦆, ünïcödé, 中文, <script>&amp;</script>, \u2028",
        new string('"', 500) + new string('x', 70_000),
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Text_held_as_bytes_is_written_as_a_JSON_string_that_reads_back_the_same(string text)
    {
        var row = new EventLogRow("p", "trace", "t-1", "e-1", "trace-create", 1, 2, Encoding.UTF8.GetBytes(text));
        var json = JsonSerializer.Serialize(row, Web);
        JsonDocument.Parse(json).RootElement.GetProperty("body").GetString().ShouldBe(text);
        // What JSON requires is escaped, nothing else: each quote and backslash takes one byte more, everything else
        // (non-ASCII, HTML characters) goes as it is.
        if (!text.Any(char.IsControl))
            JsonMarshal.GetRawUtf8Value(JsonDocument.Parse(json).RootElement.GetProperty("body")).Length
                .ShouldBe(2 + Encoding.UTF8.GetByteCount(text) + text.Count(c => c is '"' or '\\'));
    }
}
