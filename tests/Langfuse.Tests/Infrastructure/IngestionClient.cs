using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;

namespace Langfuse.Tests.Infrastructure;

/// <summary>Builds Langfuse ingestion envelopes and waits for what they produce, as an SDK user would see it.</summary>
public static class IngestionClient
{
    static readonly DateTimeOffset Base = DateTimeOffset.UtcNow;
    /// <summary>
    /// How long a test waits for accepted events to be readable. Not a speed target (those are the benchmarks'): on two
    /// cores, with a dozen collections ingesting, deleting (ClickHouse mutations) and driving a browser at once, a
    /// round can take several seconds, and a fresh CI machine is slower; a minute keeps a slow run from failing while a
    /// lost event still fails.
    /// </summary>
    public static readonly TimeSpan WaitForStored = TimeSpan.FromSeconds(60);

    public static readonly JsonSerializerOptions Deep = new(JsonSerializerDefaults.Web) { MaxDepth = 512 };

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    /// <summary>An event whose timestamp is <paramref name="secondsOffset"/> seconds after the test run began.</summary>
    public static JsonObject Event(string type, object body, double secondsOffset = 0, string? id = null) => new()
    {
        ["id"] = id ?? Guid.NewGuid().ToString(),
        ["type"] = type,
        ["timestamp"] = Iso(Base.AddSeconds(secondsOffset)),
        ["body"] = JsonSerializer.SerializeToNode(body, Deep),
    };

    public static async Task<(int Status, JsonElement Body)> IngestAsync(this IAlbaHost host, TestProject project, params JsonObject[] events)
    {
        var json = new JsonObject { ["batch"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }.ToJsonString(Deep);
        var result = await host.Scenario(s =>
        {
            s.Post.Text(json).ToUrl("/api/public/ingestion");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("Authorization", project.BasicAuth);
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.Clone());
    }

    /// <summary>Polls GET until the trace satisfies <paramref name="ready"/> (deadline 15 s).</summary>
    public static async Task<JsonElement> TraceWhenAsync(this IAlbaHost host, TestProject project, string traceId, Func<JsonElement, bool> ready)
    {
        JsonElement last = default;
        await Eventually.Async(async () =>
        {
            var (status, body) = await host.GetAsync(project, $"/api/public/traces/{Uri.EscapeDataString(traceId)}");
            if (status != 200) return false;
            last = body;
            return ready(body);
        }, WaitForStored, $"trace {traceId} never reached the expected state; last seen: {last}");
        return last;
    }

    public static async Task<JsonElement> GetWhenAsync(this IAlbaHost host, TestProject project, string url, Func<JsonElement, bool> ready)
    {
        JsonElement last = default;
        var lastStatus = 0;
        try
        {
            await Eventually.Async(async () =>
            {
                var (status, body) = await host.GetAsync(project, url);
                lastStatus = status;
                if (status != 200) return false;
                last = body;
                return ready(body);
            }, WaitForStored, url);
        }
        catch (TimeoutException) { throw new TimeoutException($"{url} never reached the expected state; last answer: {lastStatus} {last}"); }
        return last;
    }

    public static JsonElement Observation(this JsonElement trace, string id) =>
        trace.GetProperty("observations").EnumerateArray().First(o => o.GetProperty("id").GetString() == id);

    public static bool HasObservations(this JsonElement trace, int count) => trace.GetProperty("observations").GetArrayLength() >= count;
    public static bool HasScores(this JsonElement trace, int count) => trace.GetProperty("scores").GetArrayLength() >= count;
}

[CollectionDefinition(Name)]
public sealed class IngestionCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "ingestion";
}
