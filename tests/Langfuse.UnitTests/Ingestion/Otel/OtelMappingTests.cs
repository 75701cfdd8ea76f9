using System.Text.Json.Nodes;
using Langfuse.Features.Ingestion.Otel;

namespace Langfuse.UnitTests.Ingestion.Otel;

/// <summary>The attribute conventions of the common instrumentations, mapped as Langfuse maps them (ingestion.md §5.3–5.4).</summary>
public sealed class OtelMappingTests
{
    static OtelSpan Span(Dictionary<string, JsonNode?> attributes, string? parent = "bbbbbbbbbbbbbbbb", string name = "op", string? scope = "some-instrumentation",
        Dictionary<string, JsonNode?>? resource = null, List<OtelEvent>? events = null, int status = 0) =>
        new("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "cccccccccccccccc", parent, name, 1_700_000_000_000_000_000, 1_700_000_001_000_000_000,
            attributes, events ?? [], status, null, resource ?? new(), scope, "1.0", new());

    static JsonObject Observation(OtelSpan span) =>
        JsonNode.Parse(OtelMapper.ToEvents([span]).Events.Single(e => e.EntityType == "observation").Body)!.AsObject();

    [Theory]
    [InlineData("langfuse.observation.type", "embedding", "EMBEDDING")]
    [InlineData("openinference.span.kind", "LLM", "GENERATION")]
    [InlineData("openinference.span.kind", "RETRIEVER", "RETRIEVER")]
    [InlineData("gen_ai.operation.name", "chat", "GENERATION")]
    [InlineData("gen_ai.operation.name", "embeddings", "EMBEDDING")]
    [InlineData("gen_ai.operation.name", "invoke_agent", "AGENT")]
    [InlineData("gen_ai.operation.name", "execute_tool", "TOOL")]
    [InlineData("genkit:metadata:subtype", "model", "GENERATION")]
    [InlineData("genkit:metadata:subtype", "tool", "TOOL")]
    [InlineData("gen_ai.tool.call.id", "call_1", "TOOL")]
    [InlineData("flue.task.id", "t1", "AGENT")]
    [InlineData("llm.model_name", "gpt-4o", "GENERATION")]
    [InlineData("http.method", "GET", "SPAN")]
    public void The_observation_type_follows_the_first_matching_convention(string key, string value, string expected) =>
        OtelMapper.ObservationType(Span(new() { [key] = value })).ShouldBe(expected);

    [Fact]
    public void Langfuse_attributes_win_over_gen_ai_ones()
    {
        var span = Span(new() { ["langfuse.observation.type"] = "agent", ["gen_ai.operation.name"] = "chat", ["openinference.span.kind"] = "TOOL" });
        OtelMapper.ObservationType(span).ShouldBe("AGENT");
    }

    [Fact]
    public void Vercel_AI_SDK_spans_map_model_io_usage_and_first_chunk()
    {
        var o = Observation(Span(new()
        {
            ["ai.operationId"] = "ai.generateText.doGenerate", ["ai.telemetry.functionId"] = "answer", ["ai.model.id"] = "gpt-4o-mini",
            ["ai.prompt.messages"] = "[{\"role\":\"user\",\"content\":\"hi\"}]", ["ai.response.text"] = "hello",
            ["ai.usage.promptTokens"] = 12L, ["ai.usage.completionTokens"] = 3L, ["ai.response.msToFirstChunk"] = 250.0,
            ["ai.telemetry.metadata.langfusePrompt"] = "{\"name\":\"greeter\",\"version\":3}",
        }));
        o["name"]!.GetValue<string>().ShouldBe("answer:ai.generateText.doGenerate");
        o["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        o["input"]!.GetValue<string>().ShouldContain("\"role\":\"user\"");
        o["output"]!.GetValue<string>().ShouldBe("hello");
        o["usageDetails"]!["input"]!.GetValue<long>().ShouldBe(12);
        o["usageDetails"]!["output"]!.GetValue<long>().ShouldBe(3);
        o["completionStartTime"]!.GetValue<string>().ShouldBe("2023-11-14T22:13:20.250Z");
        o["promptName"]!.GetValue<string>().ShouldBe("greeter");
        o["promptVersion"]!.GetValue<int>().ShouldBe(3);
    }

    [Fact]
    public void OpenInference_flattened_messages_and_token_counts_are_rebuilt()
    {
        var o = Observation(Span(new()
        {
            ["openinference.span.kind"] = "LLM", ["llm.model_name"] = "claude-3-5-sonnet-20241022",
            ["llm.input_messages.0.message.role"] = "system", ["llm.input_messages.0.message.content"] = "be brief",
            ["llm.input_messages.1.message.role"] = "user", ["llm.input_messages.1.message.content"] = "hi",
            ["llm.output_messages.0.message.role"] = "assistant", ["llm.output_messages.0.message.content"] = "hello",
            ["llm.token_count.prompt"] = 20L, ["llm.token_count.completion"] = 5L, ["llm.token_count.total"] = 25L,
            ["llm.invocation_parameters"] = "{\"temperature\":0.5}",
        }));
        o["input"]!.AsArray().Count.ShouldBe(2);
        o["input"]![1]!["content"]!.GetValue<string>().ShouldBe("hi");
        o["output"]![0]!["role"]!.GetValue<string>().ShouldBe("assistant");
        o["usageDetails"]!["total"]!.GetValue<long>().ShouldBe(25);
        o["modelParameters"]!["temperature"]!.GetValue<double>().ShouldBe(0.5);
    }

    [Fact]
    public void Gen_ai_cache_and_reasoning_tokens_are_split_out_and_cost_is_taken_when_given()
    {
        var o = Observation(Span(new()
        {
            ["gen_ai.request.model"] = "gpt-4o", ["gen_ai.usage.input_tokens"] = 1000L, ["gen_ai.usage.cache_read_input_tokens"] = 400L,
            ["gen_ai.usage.output_tokens"] = 100L, ["gen_ai.usage.output_tokens_details.reasoning_tokens"] = 30L, ["gen_ai.usage.cost"] = 0.25,
            ["gen_ai.request.max_tokens"] = 512L,
        }));
        o["usageDetails"]!["input"]!.GetValue<long>().ShouldBe(600);
        o["usageDetails"]!["input_cached_tokens"]!.GetValue<long>().ShouldBe(400);
        o["usageDetails"]!["output"]!.GetValue<long>().ShouldBe(70);
        o["usageDetails"]!["output_reasoning_tokens"]!.GetValue<long>().ShouldBe(30);
        o["costDetails"]!["total"]!.GetValue<double>().ShouldBe(0.25);
        o["modelParameters"]!["max_tokens"]!.GetValue<long>().ShouldBe(512);
    }

    [Fact]
    public void Gen_ai_message_events_and_system_instructions_become_input()
    {
        var events = new List<OtelEvent>
        {
            new("gen_ai.system.message", 0, new() { ["content"] = "be nice" }),
            new("gen_ai.user.message", 0, new() { ["content"] = "hi" }),
            new("gen_ai.choice", 0, new() { ["message"] = "hello", ["finish_reason"] = "stop" }),
        };
        var o = Observation(Span(new() { ["gen_ai.request.model"] = "gpt-4o" }, events: events));
        o["input"]![0]!["role"]!.GetValue<string>().ShouldBe("system");
        o["input"]![1]!["content"]!.GetValue<string>().ShouldBe("hi");
        o["output"]!["finish_reason"]!.GetValue<string>().ShouldBe("stop");

        var withInstructions = Observation(Span(new()
        {
            ["gen_ai.input.messages"] = "[{\"role\":\"user\",\"content\":\"q\"}]", ["gen_ai.system_instructions"] = "sys",
        }));
        withInstructions["input"]![0]!["content"]!.GetValue<string>().ShouldBe("sys");
        withInstructions["input"]![1]!["content"]!.GetValue<string>().ShouldBe("q");
    }

    [Fact]
    public void Levels_status_and_exceptions_map_to_level_and_status_message()
    {
        Observation(Span(new() { ["langfuse.observation.level"] = "FATAL" }))["level"]!.GetValue<string>().ShouldBe("ERROR");
        Observation(Span(new() { ["langfuse.observation.level"] = "info" }))["level"]!.GetValue<string>().ShouldBe("DEFAULT");
        var failed = Observation(Span(new(), status: 2, events: [new("exception", 0, new() { ["exception.message"] = "boom" })]));
        failed["level"]!.GetValue<string>().ShouldBe("ERROR");
        failed["statusMessage"]!.GetValue<string>().ShouldBe("boom");
    }

    [Fact]
    public void Trace_level_attributes_make_a_trace_event_and_other_spans_a_shallow_one()
    {
        var withUser = OtelMapper.ToEvents([Span(new() { ["langfuse.user.id"] = "u1", ["langfuse.trace.tags"] = "a, b", ["langfuse.trace.public"] = true })]).Events;
        var trace = JsonNode.Parse(withUser.Single(e => e.EntityType == "trace").Body)!;
        trace["userId"]!.GetValue<string>().ShouldBe("u1");
        trace["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["a", "b"]);
        trace["public"]!.GetValue<bool>().ShouldBeTrue();

        var plain = OtelMapper.ToEvents([Span(new() { ["k"] = "v" }, resource: new() { ["deployment.environment.name"] = "qa" })]).Events;
        var shallow = JsonNode.Parse(plain.Single(e => e.EntityType == "trace").Body)!.AsObject();
        shallow.Select(kv => kv.Key).ShouldBe(["id", "timestamp", "environment"], ignoreOrder: true);
        shallow["environment"]!.GetValue<string>().ShouldBe("qa");

        // A root span in the same export makes the shallow trace event redundant.
        var both = OtelMapper.ToEvents([Span(new()), Span(new(), parent: null, name: "root") with { SpanId = "dddddddddddddddd" }]).Events;
        both.Count(e => e.EntityType == "trace").ShouldBe(1);
    }

    [Fact]
    public void The_same_span_maps_to_the_same_event_ids()
    {
        var span = Span(new() { ["gen_ai.request.model"] = "gpt-4o" });
        OtelMapper.ToEvents([span]).Events.Select(e => e.EventId).ShouldBe(OtelMapper.ToEvents([span]).Events.Select(e => e.EventId));
    }

    /// <summary>
    /// An event's id is the hash of its type, a line feed and its body's JSON text: the event log keeps ids across
    /// versions, so a span exported again after an upgrade must still be recognised as the same event.
    /// </summary>
    [Fact]
    public void An_event_id_is_the_hash_of_its_type_and_body()
    {
        foreach (var e in OtelMapper.ToEvents([Span(new() { ["gen_ai.request.model"] = "gpt-4o", ["input.value"] = "ünïcödé \"quoted\" 🦆" })]).Events)
        {
            var text = JsonNode.Parse(e.Body)!.ToJsonString();
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(e.Type + "\n" + text));
            e.EventId.ShouldBe("otel-" + Convert.ToHexStringLower(hash)[..32]);
            System.Text.Encoding.UTF8.GetString(e.Body).ShouldBe(text);
        }
    }
}
