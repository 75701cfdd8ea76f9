using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Langfuse.Features.Ingestion.Otel;

/// <summary>
/// Turns spans into the same ingestion events the batch API produces (ingestion.md §5): one observation event per
/// span, and a trace event for root spans, for spans carrying trace-level attributes, or (shallow) for any other
/// span so its trace exists. Event ids are derived from their content, so a re-sent export folds to the same rows.
/// </summary>
public static class OtelMapper
{
    static readonly Dictionary<string, string> LevelAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["TRACE"] = "DEBUG", ["VERBOSE"] = "DEBUG", ["DEBUG"] = "DEBUG", ["INFO"] = "DEFAULT", ["LOG"] = "DEFAULT", ["NOTICE"] = "DEFAULT",
        ["OK"] = "DEFAULT", ["SUCCESS"] = "DEFAULT", ["DEFAULT"] = "DEFAULT", ["WARN"] = "WARNING", ["WARNING"] = "WARNING",
        ["ERROR"] = "ERROR", ["FATAL"] = "ERROR", ["CRITICAL"] = "ERROR",
    };
    static readonly HashSet<string> LangfuseTypes = ["span", "generation", "event", "embedding", "agent", "tool", "chain", "retriever", "guardrail", "evaluator"];
    static readonly string[] ModelKeys = ["langfuse.observation.model.name", "gen_ai.response.model", "ai.model.id", "gen_ai.request.model", "llm.response.model", "llm.model_name", "model"];

    public sealed record Unmappable(string SpanId, string Error);

    /// <summary>The events of the spans; a span whose values cannot be written as JSON (NaN, lone surrogates) is returned apart.</summary>
    public static (List<AcceptedEvent> Events, List<Unmappable> Unmappable) ToEvents(IEnumerable<OtelSpan> spans)
    {
        var events = new List<AcceptedEvent>();
        var fullTraces = new HashSet<string>();
        var shallow = new List<AcceptedEvent>();
        var unmappable = new List<Unmappable>();
        foreach (var span in spans)
        {
            try { MapSpan(span, events, fullTraces, shallow); }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
            {
                unmappable.Add(new Unmappable(span.SpanId, e.Message));
            }
        }
        events.AddRange(shallow.Where(s => !fullTraces.Contains(s.EntityId)).DistinctBy(s => s.EntityId));
        return (events, unmappable);
    }

    static void MapSpan(OtelSpan span, List<AcceptedEvent> events, HashSet<string> fullTraces, List<AcceptedEvent> shallow)
    {
        {
            var a = span.Attributes;
            var isRoot = span.ParentSpanId is null || Text(a, "langfuse.internal.as_root") == "true";
            var type = ObservationType(span);
            var environment = Environment(span);
            var observation = Observation(span, type, environment);
            events.Add(Event(EventType(type), span.StartNs, EntityTypes.Observation, span.SpanId, observation));

            var trace = TraceBody(span, isRoot, observation, environment);
            if (trace is null)
            {
                shallow.Add(Event("trace-create", span.StartNs, EntityTypes.Trace, span.TraceId,
                    new JsonObject { ["id"] = span.TraceId, ["timestamp"] = Iso(span.StartNs), ["environment"] = environment }));
                return;
            }
            fullTraces.Add(span.TraceId);
            events.Add(Event("trace-create", span.StartNs, EntityTypes.Trace, span.TraceId, trace));
        }
    }

    static AcceptedEvent Event(string type, long startNs, string entityType, string entityId, JsonObject body)
    {
        var json = Infrastructure.Utf8Json.Of(body);
        // The hash of the UTF-8 of type, a line feed and the body's JSON text: re-exported spans keep their event ids.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(type + "\n"));
        hash.AppendData(json);
        var id = "otel-" + Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
        return new AcceptedEvent(id, type, startNs / 1_000_000, entityType, entityId, json);
    }

    static string EventType(string type) => type switch
    {
        "SPAN" => "span-create", "GENERATION" => "generation-create", "EVENT" => "event-create",
        _ => type.ToLowerInvariant() + "-create",
    };

    /// <summary>The observation type, by the first rule that applies (ingestion.md §5.4).</summary>
    public static string ObservationType(OtelSpan span)
    {
        var a = span.Attributes;
        // Python SDK ≤ 3.3 marked generations as spans.
        if (span.ScopeName?.StartsWith("langfuse-sdk", StringComparison.Ordinal) == true && Text(span.Resource, "telemetry.sdk.language") == "python"
            && Text(a, "langfuse.observation.type") == "span" && a.Keys.Any(k => k.StartsWith("langfuse.observation.model.", StringComparison.Ordinal) || k == "langfuse.observation.usage_details"))
            return "GENERATION";
        if (Text(a, "langfuse.observation.type") is { } t && LangfuseTypes.Contains(t.ToLowerInvariant())) return t.ToUpperInvariant();
        if (Text(a, "openinference.span.kind") is { } kind)
        {
            var mapped = kind.ToUpperInvariant() switch
            {
                "LLM" => "GENERATION", "CHAIN" => "CHAIN", "RETRIEVER" => "RETRIEVER", "EMBEDDING" => "EMBEDDING", "AGENT" => "AGENT",
                "TOOL" => "TOOL", "GUARDRAIL" => "GUARDRAIL", "EVALUATOR" => "EVALUATOR", _ => null,
            };
            if (mapped is not null) return mapped;
        }
        if (Text(a, "gen_ai.operation.name") is { } op)
        {
            var mapped = op switch
            {
                "chat" or "completion" or "text_completion" or "generate_content" or "generate" => "GENERATION",
                "embeddings" => "EMBEDDING", "invoke_agent" or "create_agent" => "AGENT", "execute_tool" => "TOOL", _ => null,
            };
            if (mapped is not null) return mapped;
        }
        if (Text(a, "genkit:metadata:subtype") is { } subtype)
        {
            var mapped = subtype switch
            {
                "model" or "background-model" => "GENERATION", "embedder" => "EMBEDDING", "tool" or "tool.v2" => "TOOL",
                "retriever" => "RETRIEVER", "evaluator" => "EVALUATOR", _ => null,
            };
            if (mapped is not null) return mapped;
        }
        if (Text(a, "ai.operationId") is { } aiOp && a.ContainsKey("ai.model.id"))
        {
            if (aiOp.EndsWith("doGenerate") || aiOp.EndsWith("doStream")) return "GENERATION";
            if (aiOp.EndsWith("doEmbed")) return "EMBEDDING";
        }
        if (a.ContainsKey("ai.toolCall.name") || a.ContainsKey("gen_ai.tool.name") || a.ContainsKey("gen_ai.tool.call.id")) return "TOOL";
        if (a.Keys.Any(k => k.StartsWith("flue.tool.", StringComparison.Ordinal))) return "TOOL";
        if (a.Keys.Any(k => k.StartsWith("flue.task.", StringComparison.Ordinal))) return "AGENT";
        if (span.ScopeName == "livekit-agents")
        {
            if (span.Name is "agent_turn" or "start_agent_activity") return "AGENT";
            if (span.Name == "function_tool") return "TOOL";
        }
        if (ModelKeys.Any(a.ContainsKey)) return "GENERATION";
        return "SPAN";
    }

    static JsonObject Observation(OtelSpan span, string type, string environment)
    {
        var a = span.Attributes;
        var body = new JsonObject
        {
            ["id"] = span.SpanId,
            ["traceId"] = span.TraceId,
            ["parentObservationId"] = span.ParentSpanId,
            ["name"] = ObservationName(span),
            ["startTime"] = Iso(span.StartNs > 0 ? span.StartNs : span.EndNs),
            ["endTime"] = Iso(span.EndNs > 0 ? span.EndNs : span.StartNs),
            ["environment"] = environment,
        };
        var level = Text(a, "langfuse.observation.level") is { } l && LevelAliases.TryGetValue(l, out var mapped) ? mapped : span.StatusCode == 2 ? "ERROR" : null;
        if (level is not null) body["level"] = level;
        var status = Text(a, "langfuse.observation.status_message") ?? span.StatusMessage
            ?? (span.StatusCode == 2 ? span.Events.FirstOrDefault(e => e.Name == "exception") is { } ex ? Text(ex.Attributes, "exception.message") : null : null);
        if (status is not null) body["statusMessage"] = status;
        if ((Text(a, "langfuse.version") ?? Text(span.Resource, "service.version")) is { } version) body["version"] = version;
        var (input, output) = InputOutput(span);
        if (input is not null) body["input"] = input;
        if (output is not null) body["output"] = output;
        body["metadata"] = Metadata(span, "langfuse.observation.metadata.", "langfuse.metadata.");

        if (ModelKeys.Select(k => Text(a, k)).FirstOrDefault(v => v is not null) is { } model) body["model"] = model;
        if (ModelParameters(a) is { Count: > 0 } parameters) body["modelParameters"] = parameters;
        if (UsageDetails(a) is { Count: > 0 } usage) body["usageDetails"] = usage;
        if (CostDetails(a) is { Count: > 0 } cost) body["costDetails"] = cost;
        if (Text(a, "langfuse.observation.completion_start_time") is { } cst) body["completionStartTime"] = cst.Trim('"');
        else if ((Number(a, "ai.response.msToFirstChunk") ?? Number(a, "ai.stream.msToFirstChunk")) is { } firstChunkMs)
            body["completionStartTime"] = Iso(span.StartNs + (long)(firstChunkMs * 1_000_000));
        if (type == "GENERATION")
        {
            var linked = Text(a, "ai.telemetry.metadata.langfusePrompt") is { } lp ? TryParseObject(lp) : null;
            var promptName = Text(a, "langfuse.observation.prompt.name") ?? Text(a, "langfuse.prompt.name") ?? linked?["name"]?.ToString();
            var promptVersion = Number(a, "langfuse.observation.prompt.version") ?? Number(a, "langfuse.prompt.version")
                ?? (linked?["version"] is JsonValue lv && double.TryParse(lv.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var pv) ? pv : null);
            if (promptName is not null && promptVersion is not null) { body["promptName"] = promptName; body["promptVersion"] = (int)promptVersion.Value; }
        }
        return body;
    }

    static string ObservationName(OtelSpan span)
    {
        var a = span.Attributes;
        return Text(a, "gen_ai.tool.name") ?? Text(a, "genkit:name") ?? Text(a, "logfire.msg") ?? Text(a, "ai.toolCall.name")
            ?? (Text(a, "ai.operationId") is { } op ? $"{Text(a, "ai.telemetry.functionId")}:{op}" : null) ?? span.Name;
    }

    static JsonObject? TraceBody(OtelSpan span, bool isRoot, JsonObject observation, string environment)
    {
        var a = span.Attributes;
        var body = new JsonObject { ["id"] = span.TraceId, ["environment"] = environment };
        var traceLevel = false;
        void Set(string key, JsonNode? value) { if (value is not null) { body[key] = value; traceLevel = true; } }
        Set("name", Text(a, "langfuse.trace.name"));
        Set("userId", Text(a, "langfuse.user.id") ?? Text(a, "user.id") ?? Text(a, "langfuse.observation.metadata.langfuse_user_id") ?? Text(a, "ai.telemetry.metadata.userId"));
        Set("sessionId", Text(a, "langfuse.session.id") ?? Text(a, "session.id") ?? Text(a, "gen_ai.conversation.id") ?? Text(a, "ai.telemetry.metadata.sessionId"));
        Set("tags", Tags(a.GetValueOrDefault("langfuse.trace.tags") ?? a.GetValueOrDefault("langfuse.tags") ?? a.GetValueOrDefault("ai.telemetry.metadata.tags") ?? a.GetValueOrDefault("tag.tags")));
        if ((Text(a, "langfuse.trace.public") ?? Text(a, "langfuse.public")) is { } isPublic) Set("public", isPublic == "true");
        else if (a.GetValueOrDefault("langfuse.trace.public")?.GetValueKind() == JsonValueKind.True) Set("public", true);
        Set("release", Text(a, "langfuse.release") ?? Text(span.Resource, "langfuse.release"));
        Set("input", Raw(a, "langfuse.trace.input"));
        Set("output", Raw(a, "langfuse.trace.output"));
        var traceMetadata = new JsonObject(Prefixed(a, "langfuse.trace.metadata.").ToList().Select(kv => KeyValuePair.Create(kv.Key, JsonIfJson(kv.Value))));
        if (traceMetadata.Count > 0) Set("metadata", traceMetadata);
        if (!isRoot) return traceLevel ? body : null;

        body["timestamp"] = Iso(span.StartNs > 0 ? span.StartNs : span.EndNs);
        body["name"] ??= observation["name"]?.DeepClone();
        body["input"] ??= observation["input"]?.DeepClone();
        body["output"] ??= observation["output"]?.DeepClone();
        if (observation["version"] is { } version) body["version"] = version.DeepClone();
        var metadata = body["metadata"] as JsonObject ?? new JsonObject();
        metadata["resourceAttributes"] = new JsonObject(span.Resource.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        metadata["scope"] = Scope(span);
        body["metadata"] = metadata;
        return body;
    }

    static (JsonNode? Input, JsonNode? Output) InputOutput(OtelSpan span)
    {
        var a = span.Attributes;
        var pairs = IoPairs;
        JsonNode? input = null, output = null;
        foreach (var (i, o) in pairs)
        {
            input ??= Raw(a, i);
            output ??= Raw(a, o);
        }
        input ??= Flattened(a, "gen_ai.prompt.") ?? Flattened(a, "llm.input_messages.");
        // gen_ai.system_instructions are the first message of the conversation.
        if (Text(a, "gen_ai.system_instructions") is { } instructions && input is not null && TryParse(input.ToString()) is JsonArray list)
            input = new JsonArray(new JsonNode?[] { new JsonObject { ["role"] = "system", ["content"] = instructions } }.Concat(list.Select(m => m?.DeepClone())).ToArray());
        output ??= Flattened(a, "gen_ai.completion.") ?? Flattened(a, "llm.output_messages.");
        // GenAI semantic-convention events.
        // GenAI inference details event, and the legacy Semantic Kernel content events.
        if (span.Events.FirstOrDefault(e => e.Name == "gen_ai.client.inference.operation.details") is { } details)
        {
            input ??= details.Attributes.GetValueOrDefault("gen_ai.input.messages")?.DeepClone();
            output ??= details.Attributes.GetValueOrDefault("gen_ai.output.messages")?.DeepClone();
        }
        input ??= span.Events.FirstOrDefault(e => e.Name == "gen_ai.content.prompt")?.Attributes.GetValueOrDefault("gen_ai.prompt")?.DeepClone();
        output ??= span.Events.FirstOrDefault(e => e.Name == "gen_ai.content.completion")?.Attributes.GetValueOrDefault("gen_ai.completion")?.DeepClone();
        if (input is null)
        {
            var messages = span.Events.Where(e => e.Name is "gen_ai.system.message" or "gen_ai.user.message" or "gen_ai.assistant.message" or "gen_ai.tool.message")
                .Select(e => (JsonNode?)new JsonObject { ["role"] = e.Name["gen_ai.".Length..^".message".Length], ["content"] = e.Attributes.GetValueOrDefault("content")?.DeepClone() })
                .ToArray();
            if (messages.Length > 0) input = new JsonArray(messages);
        }
        if (output is null && span.Events.FirstOrDefault(e => e.Name == "gen_ai.choice") is { } choice)
            output = new JsonObject(choice.Attributes.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        return (input, output);
    }

    /// <summary>Rebuilds flattened attributes such as gen_ai.prompt.0.role / .0.content into a list of objects.</summary>
    static JsonArray? Flattened(Dictionary<string, JsonNode?> a, string prefix)
    {
        var items = new SortedDictionary<int, JsonObject>();
        foreach (var (key, value) in a)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = key[prefix.Length..];
            var dot = rest.IndexOf('.');
            if (dot <= 0 || !int.TryParse(rest[..dot], out var index)) continue;
            var field = rest[(dot + 1)..];
            if (field.StartsWith("message.", StringComparison.Ordinal)) field = field["message.".Length..];
            if (!items.TryGetValue(index, out var item)) items[index] = item = new JsonObject();
            item[field] = value?.DeepClone();
        }
        return items.Count == 0 ? null : new JsonArray(items.Values.Select(i => (JsonNode?)i).ToArray());
    }

    static JsonObject Metadata(OtelSpan span, params string[] prefixes)
    {
        var a = span.Attributes;
        var metadata = new JsonObject();
        foreach (var whole in new[] { "langfuse.observation.metadata", "langfuse.metadata" })
            if (Text(a, whole) is { } json && TryParseObject(json) is { } parsed)
                foreach (var (k, v) in parsed) metadata[k] = v?.DeepClone();
        foreach (var prefix in prefixes)
            foreach (var (k, v) in Prefixed(a, prefix)) metadata[k] = JsonIfJson(v);
        foreach (var (k, v) in Prefixed(a, "ai.telemetry.metadata."))
            if (k is not ("userId" or "sessionId" or "tags" or "langfusePrompt")) metadata[k] = v?.DeepClone();
        metadata["resourceAttributes"] = new JsonObject(span.Resource.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        metadata["scope"] = Scope(span);
        if (span.ScopeName?.StartsWith("langfuse-sdk", StringComparison.Ordinal) != true)
            metadata["attributes"] = new JsonObject(a.Where(kv => !Mapped(kv.Key)).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        return metadata;
    }

    /// <summary>Input/output attribute pairs, in the order Langfuse tries them (ingestion.md §5.3).</summary>
    static readonly (string In, string Out)[] IoPairs =
        [
        ("langfuse.observation.input", "langfuse.observation.output"), ("genkit:input", "genkit:output"),
        ("ai.toolCall.args", "ai.toolCall.result"), ("ai.prompt.messages", "ai.response.object"), ("ai.prompt.messages", "ai.response.toolCalls"),
        ("gcp.vertex.agent.llm_request", "gcp.vertex.agent.llm_response"), ("gcp.vertex.agent.tool_call_args", "gcp.vertex.agent.tool_response"),
        ("traceloop.entity.input", "traceloop.entity.output"),
        ("input.value", "output.value"), ("mlflow.spanInputs", "mlflow.spanOutputs"), ("gen_ai.input.messages", "gen_ai.output.messages"),
        ("ai.prompt.messages", "ai.response.text"), ("ai.prompt", "ai.result.text"), ("gen_ai.prompt", "gen_ai.completion"),
        ("input", "output"), ("pydantic_ai.all_messages", "final_result"), ("tool_arguments", "tool_response"),
        ("prompt", "all_messages_events"),
    ];

    static readonly HashSet<string> IoKeys = IoPairs.SelectMany(p => new[] { p.In, p.Out }).ToHashSet();

    /// <summary>Attributes already carried by a mapped field are not repeated in metadata.attributes (inputs and outputs can be large).</summary>
    static bool Mapped(string key) =>
        key.StartsWith("langfuse.", StringComparison.Ordinal) || IoKeys.Contains(key)
        || key.StartsWith("gen_ai.prompt.", StringComparison.Ordinal) || key.StartsWith("gen_ai.completion.", StringComparison.Ordinal)
        || key.StartsWith("llm.input_messages.", StringComparison.Ordinal) || key.StartsWith("llm.output_messages.", StringComparison.Ordinal);

    static JsonObject Scope(OtelSpan span) => new()
    {
        ["name"] = span.ScopeName,
        ["version"] = span.ScopeVersion,
        ["attributes"] = new JsonObject(span.ScopeAttributes.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))),
    };

    static JsonObject Prefixed(Dictionary<string, JsonNode?> a, string prefix) =>
        new(a.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Key.Length > prefix.Length)
            .Select(kv => KeyValuePair.Create(kv.Key[prefix.Length..], kv.Value?.DeepClone())));

    static JsonObject ModelParameters(Dictionary<string, JsonNode?> a)
    {
        if (Text(a, "langfuse.observation.model.parameters") is { } json && TryParseObject(json) is { } parsed) return parsed;
        if (Text(a, "llm.invocation_parameters") is { } invocation && TryParseObject(invocation) is { } inv) return inv;
        var result = new JsonObject();
        foreach (var (k, v) in a)
        {
            var name = k.StartsWith("gen_ai.request.", StringComparison.Ordinal) ? k["gen_ai.request.".Length..] : null;
            if (name is not null && name != "model") result[name] = v?.DeepClone();
        }
        return result;
    }

    static JsonObject UsageDetails(Dictionary<string, JsonNode?> a)
    {
        if (Text(a, "langfuse.observation.usage_details") is { } json && TryParseObject(json) is { } parsed) return parsed;
        var usage = new JsonObject();
        long? Get(params string[] keys) => keys.Select(k => Number(a, k)).FirstOrDefault(v => v is not null) is { } d ? (long)d : null;
        var cacheRead = Get("gen_ai.usage.cache_read_input_tokens", "gen_ai.usage.input_tokens_details.cached_tokens") ?? 0;
        var cacheCreation = Get("gen_ai.usage.cache_creation_input_tokens") ?? 0;
        var reasoning = Get("gen_ai.usage.output_tokens_details.reasoning_tokens", "gen_ai.usage.reasoning_tokens") ?? 0;
        if (Get("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt", "ai.usage.promptTokens", "ai.usage.inputTokens") is { } input) usage["input"] = Math.Max(0, input - cacheRead - cacheCreation);
        if (Get("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion", "ai.usage.completionTokens", "ai.usage.outputTokens") is { } output) usage["output"] = Math.Max(0, output - reasoning);
        if (Get("gen_ai.usage.total_tokens", "llm.token_count.total", "ai.usage.tokens", "ai.usage.totalTokens") is { } total) usage["total"] = total;
        if (cacheRead > 0) usage["input_cached_tokens"] = cacheRead;
        if (cacheCreation > 0) usage["input_cache_creation"] = cacheCreation;
        if (reasoning > 0) usage["output_reasoning_tokens"] = reasoning;
        return usage;
    }

    static JsonObject CostDetails(Dictionary<string, JsonNode?> a)
    {
        if (Text(a, "langfuse.observation.cost_details") is { } json && TryParseObject(json) is { } parsed) return parsed;
        if ((Number(a, "gen_ai.usage.cost") ?? Number(a, "llm.cost.total")) is { } total) return new JsonObject { ["total"] = total };
        return new JsonObject();
    }

    static JsonArray? Tags(JsonNode? value) => value switch
    {
        null => null,
        JsonArray array => new JsonArray(array.Select(t => (JsonNode?)t?.ToString()).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is var s && s.TrimStart().StartsWith('[') && TryParse(s) is JsonArray parsed
            ? new JsonArray(parsed.Select(t => (JsonNode?)t?.ToString()).ToArray())
            : new JsonArray(s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => (JsonNode?)t).ToArray()),
        _ => null,
    };

    /// <summary>deployment.environment and friends, span first, then resource; normalised later like any environment.</summary>
    static string Environment(OtelSpan span)
    {
        foreach (var key in new[] { "langfuse.environment", "deployment.environment.name", "deployment.environment" })
            if ((Text(span.Attributes, key) ?? Text(span.Resource, key)) is { } env) return env;
        return "default";
    }

    static string? Text(Dictionary<string, JsonNode?> a, string key) => a.GetValueOrDefault(key) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        var other => other.ToJsonString(),
    };

    /// <summary>An attribute as it should be stored: strings verbatim (JSON strings are parsed on read), other values as JSON.</summary>
    static JsonNode? Raw(Dictionary<string, JsonNode?> a, string key) => a.GetValueOrDefault(key)?.DeepClone();

    static double? Number(Dictionary<string, JsonNode?> a, string key) => a.GetValueOrDefault(key) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && double.TryParse(v.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    static JsonNode? TryParse(string json)
    {
        try { return JsonNode.Parse(json); } catch (JsonException) { return null; }
    }

    static JsonObject? TryParseObject(string json) => TryParse(json) as JsonObject;

    /// <summary>
    /// Metadata attributes can only be strings, numbers or booleans, so SDKs send structured values as JSON text; like
    /// Langfuse, a string that is valid JSON is taken as the value it encodes.
    /// </summary>
    static JsonNode? JsonIfJson(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String && Infrastructure.Http.JsonText.IsJson(v.GetValue<string>())
            ? TryParse(v.GetValue<string>()) : value?.DeepClone();

    static string Iso(long ns) => Infrastructure.Http.UtcTimestampConverter.Text(ns > 0 ? ns / 1_000_000 : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
}
