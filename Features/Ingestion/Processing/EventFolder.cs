using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Langfuse.Features.Ingestion.Processing;

/// <summary>
/// Langfuse's merge rule (ingestion.md §3), applied to all events ever received for one entity, in envelope
/// timestamp order (creates before updates on a tie). Folding the whole history each time makes the result the
/// same whatever order the events arrived in and however often they were delivered.
/// </summary>
public static class EventFolder
{
    /// <summary>
    /// The folded state, which may still read from the parsed bodies: dispose it once the row is built, which returns the
    /// parse buffers to their pool.
    /// </summary>
    public sealed record Folded(JsonObject State, long FirstSeen, ulong Version, IReadOnlyList<JsonDocument> Documents) : IDisposable
    {
        public void Dispose()
        {
            for (var i = 0; i < Documents.Count; i++) Documents[i].Dispose();
        }
    }

    /// <param name="toRecord">Turns one event body into its full record (defaults filled in, as Langfuse's mappers do).</param>
    /// <param name="recordKeys">
    /// The keys <paramref name="toRecord"/> always sets, in the order it adds them: a body has room made for them when
    /// it is read (growing its dictionary for them was 4.6 % of the bytes the worker allocated while draining a backlog).
    /// </param>
    public static Folded Fold(IEnumerable<EventLogRow> events, IReadOnlySet<string> immutableKeys, Func<EventLogRow, JsonObject, JsonObject> toRecord,
        IReadOnlyList<string>? recordKeys = null)
    {
        var ordered = InOrder(events);
        var documents = new List<JsonDocument>(ordered.Count);
        // Most entities have one event: its record becomes the state as it is, instead of being copied into an empty
        // state value by value (the copies were a third of the fold's allocations in the benchmark's drain).
        if (ordered.Count == 1)
            return new Folded(ParseBody(ordered[0].Body, documents, recordKeys) is { } only ? Alone(toRecord(ordered[0], only)) : new JsonObject(), ordered[0].ReceivedAt, 1, documents);
        var state = new JsonObject();
        var fromCreates = new Dictionary<string, JsonNode>();
        foreach (var e in ordered)
        {
            // Bodies were validated as JSON objects at the API; one that is not (written by something else) is skipped
            // rather than failing every future fold of this entity.
            if (ParseBody(e.Body, documents, recordKeys) is not { } body) continue;
            var record = toRecord(e, body);
            if (!IsUpdate(e))
                foreach (var key in immutableKeys)
                    if (record[key] is { } value && !fromCreates.ContainsKey(key)) fromCreates[key] = value.DeepClone();
            // The record's values move into the state rather than being copied (a node has one parent): the copies
            // were 4 % of the bytes the worker allocated while draining a backlog.
            var values = record.ToList();
            record.Clear();
            foreach (var (key, value) in values)
                Apply(state, key, value, immutableKeys);
        }
        // Langfuse applies an update onto the stored row, so a create's immutable values (startTime above all) stand even
        // when an update carries an older envelope timestamp and was folded first.
        foreach (var (key, value) in fromCreates) state[key] = value;
        return new Folded(state, ordered.Min(e => e.ReceivedAt), (ulong)ordered.Count, documents);
    }

    /// <summary>Distinct events in fold order: envelope timestamp, creates before updates, then arrival.</summary>
    /// <remarks>
    /// Without LINQ's ordering iterators (3.5 % of the bytes the worker allocated while draining a backlog, for the two or
    /// three events most entities with several have). The first of events sharing an id is kept; ids then decide ties,
    /// so the unstable sort gives one order.
    /// </remarks>
    public static List<EventLogRow> InOrder(IEnumerable<EventLogRow> events)
    {
        if (events is IReadOnlyList<EventLogRow> { Count: 1 } one) return [one[0]];
        var ordered = new List<EventLogRow>(events is IReadOnlyCollection<EventLogRow> known ? known.Count : 4);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
            if (seen.Add(e.EventId)) ordered.Add(e);
        if (ordered.Count > 1) ordered.Sort(FoldOrder);
        return ordered;
    }

    static int FoldOrder(EventLogRow a, EventLogRow b)
    {
        var c = a.EventTs.CompareTo(b.EventTs);
        if (c == 0) c = (IsUpdate(a) ? 1 : 0).CompareTo(IsUpdate(b) ? 1 : 0);
        if (c == 0) c = a.ReceivedAt.CompareTo(b.ReceivedAt);
        return c != 0 ? c : string.CompareOrdinal(a.EventId, b.EventId);
    }

    static bool IsUpdate(EventLogRow e) => e.EventType.EndsWith("-update", StringComparison.Ordinal);

    static readonly JsonDocumentOptions DeepBodies = new() { MaxDepth = 256 };

    /// <summary>
    /// The body as a tree over the body's own bytes: parsing from the array as memory neither copies it nor allocates the
    /// parse's index (rented, returned when <paramref name="documents"/> are disposed). Parsing a copy was 12 % of the
    /// bytes the worker allocated while draining the closed-loop benchmark's backlog.
    /// </summary>
    static JsonObject? ParseBody(byte[] body, List<JsonDocument> documents, IReadOnlyList<string>? recordKeys)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(body.AsMemory(), DeepBodies); }
        catch (JsonException) { return null; }
        documents.Add(document);
        return document.RootElement.ValueKind == JsonValueKind.Object ? Materialise(document.RootElement, recordKeys ?? []) : null;
    }

    /// <summary>
    /// What <see cref="JsonObject.Create(JsonElement, JsonNodeOptions?)"/> builds on its first write, built at once: the
    /// dictionary sized to the properties instead of grown, and the usual property names as the same strings each time
    /// instead of new ones. The lazy build was 16 % of the bytes the worker allocated while draining a backlog (every
    /// body is written to: defaults are filled in). Nested values stay lazy; duplicate names throw as the lazy build does.
    /// Each of <paramref name="recordKeys"/> the body lacks is added after its own, as null (what the record then sets).
    /// </summary>
    static JsonObject Materialise(JsonElement root, IReadOnlyList<string> recordKeys)
    {
        var count = root.GetPropertyCount();
        var properties = ArrayPool<KeyValuePair<string, JsonNode?>>.Shared.Rent(count + recordKeys.Count);
        try
        {
            var i = 0;
            foreach (var property in root.EnumerateObject())
            {
                var value = property.Value;
                JsonNode? node = value.ValueKind switch
                {
                    JsonValueKind.Object => JsonObject.Create(value),
                    JsonValueKind.Array => JsonArray.Create(value),
                    _ => JsonValue.Create(value), // null for a JSON null, as the lazy build has it
                };
                properties[i++] = new(BodyKeys.Name(property), node);
            }
            foreach (var key in recordKeys)
                if (!root.TryGetProperty(key, out _)) properties[i++] = new(key, null);
            return new JsonObject(new ArraySegment<KeyValuePair<string, JsonNode?>>(properties, 0, i));
        }
        finally { ArrayPool<KeyValuePair<string, JsonNode?>>.Shared.Return(properties, clearArray: true); }
    }

    /// <summary>What folding one record into an empty state gives (<see cref="Apply"/> on each value), made in place.</summary>
    static JsonObject Alone(JsonObject record)
    {
        foreach (var (key, value) in record.ToList())
        {
            if (value is JsonObject { Count: 0 } || key is "input" or "output" && !IsTruthy(value)) record.Remove(key);
            else if (key == "metadata" && value is not (null or JsonObject)) record[key] = AsMetadataObject(value);
            else if (key == "tags") record[key] = Tags(null, value);
        }
        return record;
    }

    static void Apply(JsonObject state, string key, JsonNode? next, IReadOnlySet<string> immutableKeys)
    {
        if (next is JsonObject { Count: 0 }) return;
        if (immutableKeys.Contains(key) && state[key] is not null) return;
        switch (key)
        {
            case "metadata":
                var incoming = AsMetadataObject(next);
                if (incoming is null) { if (next is null) state[key] = null; return; }
                state[key] = DeepMerge(state[key] as JsonObject, incoming);
                return;
            case "tags":
                state[key] = Tags(state[key], next);
                return;
            case "input" or "output":
                if (IsTruthy(next)) state[key] = next;
                return;
            default:
                state[key] = next;
                return;
        }
    }

    /// <summary>The string tags of both, each once, sorted.</summary>
    static JsonArray Tags(JsonNode? held, JsonNode? next)
    {
        var union = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tag in (held as JsonArray ?? []).Concat(next as JsonArray ?? []))
            if (tag?.GetValueKind() == JsonValueKind.String) union.Add(tag.GetValue<string>());
        return new JsonArray(union.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
    }

    /// <summary>Metadata is an object; a top-level primitive or array becomes {"metadata": value} as in Langfuse.</summary>
    static JsonObject? AsMetadataObject(JsonNode? value) => value switch
    {
        null => null,
        JsonObject o => o,
        _ => new JsonObject { ["metadata"] = value.DeepClone() },
    };

    static JsonObject DeepMerge(JsonObject? target, JsonObject source)
    {
        var result = target?.DeepClone().AsObject() ?? new JsonObject();
        foreach (var (key, value) in source)
        {
            if (value is JsonObject nested && result[key] is JsonObject existing) result[key] = DeepMerge(existing, nested);
            else result[key] = value?.DeepClone();
        }
        return result;
    }

    /// <summary>JavaScript truthiness: null, "", 0 and false do not replace an earlier input/output.</summary>
    static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        // A parsed string is compared where it lies: reading it would copy an input of any size only to measure it.
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.TryGetValue<JsonElement>(out var parsed) ? !parsed.ValueEquals("") : v.GetValue<string>().Length > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>() != 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        _ => true,
    };
}
