using System.Text.Json.Nodes;
using Langfuse.Features.Ingestion.Processing;

namespace Langfuse.UnitTests.Ingestion.Processing;

/// <summary>Langfuse's merge rule on one entity's events, whatever order and however often they arrive.</summary>
public sealed class EventFolderTests
{
    static readonly HashSet<string> Immutable = ["startTime"];

    static EventLogRow Event(string id, string type, long ts, object body, long received = 0) =>
        new("p", "observation", "o-1", id, type, ts, received, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body));

    static JsonObject Fold(params EventLogRow[] events) => EventFolder.Fold(events, Immutable, (_, body) => body).State;

    [Fact]
    public void Later_events_overwrite_fields_and_keep_what_they_leave_out()
    {
        var state = Fold(
            Event("e1", "span-create", 1, new { name = "a", input = "question", level = "DEFAULT" }),
            Event("e2", "span-update", 2, new { name = "b", output = "answer" }));
        state["name"]!.GetValue<string>().ShouldBe("b");
        state["input"]!.GetValue<string>().ShouldBe("question");
        state["output"]!.GetValue<string>().ShouldBe("answer");
    }

    [Fact]
    public void The_result_does_not_depend_on_arrival_order_or_redelivery()
    {
        var create = Event("e1", "span-create", 1, new { name = "a", metadata = new { k = 1 } });
        var update = Event("e2", "span-update", 2, new { name = "b", metadata = new { j = 2 } });
        var inOrder = Fold(create, update).ToJsonString();
        Fold(update, create).ToJsonString().ShouldBe(inOrder);
        Fold(update, create, update, create).ToJsonString().ShouldBe(inOrder);
    }

    [Fact]
    public void Metadata_merges_deeply_tags_unite_and_empty_input_does_not_erase()
    {
        var state = Fold(
            Event("e1", "trace-create", 1, new { metadata = new { a = new { x = 1 } }, tags = new[] { "b", "a" }, input = "kept" }),
            Event("e2", "trace-create", 2, new { metadata = new { a = new { y = 2 } }, tags = new[] { "c", "a" }, input = "" }));
        state["metadata"]!["a"]!["x"]!.GetValue<int>().ShouldBe(1);
        state["metadata"]!["a"]!["y"]!.GetValue<int>().ShouldBe(2);
        state["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["a", "b", "c"]);
        state["input"]!.GetValue<string>().ShouldBe("kept");
    }

    [Fact]
    public void A_creates_immutable_start_time_stands_against_an_update_folded_before_it()
    {
        var state = Fold(
            Event("e2", "span-update", 1, new { startTime = "2026-01-01T00:00:09Z" }),
            Event("e1", "span-create", 2, new { startTime = "2026-01-01T00:00:00Z" }));
        state["startTime"]!.GetValue<string>().ShouldBe("2026-01-01T00:00:00Z");
    }

    [Fact]
    public void On_a_timestamp_tie_the_create_folds_before_the_update()
    {
        var ordered = EventFolder.InOrder([Event("u", "span-update", 5, new { }), Event("c", "span-create", 5, new { })]);
        ordered.Select(e => e.EventId).ShouldBe(["c", "u"]);
    }

    [Fact]
    public void A_body_that_is_not_an_object_is_skipped_not_fatal()
    {
        var broken = new EventLogRow("p", "observation", "o-1", "bad", "span-update", 3, 0, "[1,2]"u8.ToArray());
        Fold(Event("e1", "span-create", 1, new { name = "a" }), broken)["name"]!.GetValue<string>().ShouldBe("a");
    }

    public static TheoryData<string> LoneBodies => new()
    {
        """{"name":"a","input":{"messages":[{"role":"user","content":"hi"}]},"output":"yes","metadata":{"a":{"b":1}},"tags":["z","a","z",3]}""",
        """{"input":"","output":0,"metadata":"plain","tags":"not a list","startTime":"2026-01-01T00:00:00Z"}""",
        """{"input":false,"output":null,"metadata":null,"modelParameters":{},"usage":{"input":5},"level":null}""",
        """{"metadata":[1,2],"tags":[],"input":[],"output":{},"statusMessage":""}""",
        """{"metadata":{},"input":{"nested":{}},"output":-0.0,"version":"1"}""",
    };

    [Theory]
    [MemberData(nameof(LoneBodies))]
    public void An_entitys_only_event_folds_to_what_the_merge_rule_gives(string body)
    {
        // Folding the event with a later empty update takes the general path (the update adds nothing): the only
        // event's own path must give the same state.
        foreach (var type in new[] { "span-create", "span-update" })
        {
            var only = new EventLogRow("p", "observation", "o-1", "e1", type, 1, 0, System.Text.Encoding.UTF8.GetBytes(body));
            var nothing = Event("e2", "span-update", 2, new { });
            Fold(only).ToJsonString().ShouldBe(Fold(only, nothing).ToJsonString());
        }
    }

    [Fact]
    public void A_body_folds_to_what_its_parsed_text_holds_whatever_its_names_look_like()
    {
        // Usual names, an escaped usual name, a name no body schema has, a JSON null and nested values: the state is
        // the body as System.Text.Json reads it.
        const string body = """{"name":"a","\u0069nput":"q","x-custom":{"k":[1,{"n":null}]},"level":null,"tags":["t"],"version":"1"}""";
        var only = new EventLogRow("p", "observation", "o-1", "e1", "span-create", 1, 0, System.Text.Encoding.UTF8.GetBytes(body));
        var state = Fold(only);
        state.ToJsonString().ShouldBe("""{"name":"a","input":"q","x-custom":{"k":[1,{"n":null}]},"level":null,"tags":["t"],"version":"1"}""");
        state.ContainsKey("level").ShouldBeTrue();
    }

    [Fact]
    public void A_body_with_a_name_twice_fails_its_fold_as_System_Text_Json_does()
    {
        var twice = new EventLogRow("p", "observation", "o-1", "e1", "span-create", 1, 0, """{"name":"a","name":"b"}"""u8.ToArray());
        Should.Throw<ArgumentException>(() => Fold(twice));
    }

    [Theory]
    [InlineData("""{"name":"a"}""")]
    [InlineData("""{"environment":"prod","name":"a","type":null}""")]
    [InlineData("""{"type":"SPAN","startTime":"2026-01-01T00:00:00Z","environment":"x"}""")]
    public void Room_made_for_the_records_keys_changes_nothing_in_the_fold(string body)
    {
        static JsonObject Record(EventLogRow _, JsonObject b)
        {
            b["type"] = "GENERATION";
            b["startTime"] ??= "2026-02-02T00:00:00Z";
            b["environment"] = "default";
            return b;
        }
        var create = new EventLogRow("p", "observation", "o-1", "e1", "generation-create", 1, 0, System.Text.Encoding.UTF8.GetBytes(body));
        var update = Event("e2", "generation-update", 2, new { output = "o" });
        foreach (var events in new[] { new[] { create }, new[] { create, update } })
        {
            using var plain = EventFolder.Fold(events, Immutable, Record);
            using var roomy = EventFolder.Fold(events, Immutable, Record, ["type", "startTime", "environment"]);
            roomy.State.ToJsonString().ShouldBe(plain.State.ToJsonString());
        }
    }
}
