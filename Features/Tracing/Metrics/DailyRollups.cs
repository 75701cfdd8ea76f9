using System.Text.Json;
using Langfuse.Features.Tracing.Storage;
using StackExchange.Redis;

namespace Langfuse.Features.Tracing.Metrics;

/// <summary>
/// Per-day totals of the daily metrics, kept in Redis so a 30-day request does not aggregate millions of
/// observations. Validity rests on a per-project sequence number: every write of trace or observation rows bumps
/// it and stamps the days it touched, after ClickHouse holds the rows; a rollup remembers the number read before
/// its aggregation started, and serves only while none of its day's stamps is newer.
/// </summary>
public sealed class DailyRollups(IConnectionMultiplexer redis) : IWrittenRowsObserver
{
    public sealed record Model(string Name, long InputUsage, long OutputUsage, long TotalUsage, ulong CountTraces, ulong CountObservations, double TotalCost);

    public sealed record Day(long Sequence, ulong CountTraces, List<Model> Models);

    const string MarkScript = "local s = redis.call('INCR', KEYS[1]) for _, d in ipairs(ARGV) do redis.call('HSET', KEYS[2], d, s) end return s";

    static string SequenceKey(string projectId) => $"langfuse:daily:seq:{projectId}";
    static string StampsKey(string projectId) => $"langfuse:daily:stamps:{projectId}";
    static string RollupsKey(string projectId) => $"langfuse:daily:rollups:{projectId}";

    public Task ForgetProjectAsync(string projectId) =>
        redis.GetDatabase().KeyDeleteAsync([SequenceKey(projectId), StampsKey(projectId), RollupsKey(projectId)]);

    public static string DayOf(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime.ToString("yyyy-MM-dd");

    public async Task RowsWrittenAsync<T>(string table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var days = rows switch
        {
            IReadOnlyCollection<TraceRow> traces => traces.Select(t => (t.ProjectId, DayOf(t.Timestamp))),
            IReadOnlyCollection<ObservationRow> observations => observations.Select(o => (o.ProjectId, DayOf(o.StartTime))),
            _ => [],
        };
        foreach (var project in days.Distinct().GroupBy(d => d.ProjectId))
            await redis.GetDatabase().ScriptEvaluateAsync(MarkScript, [SequenceKey(project.Key), StampsKey(project.Key)],
                project.Select(d => (RedisValue)d.Item2).ToArray());
    }

    /// <summary>The sequence number now, to be stored with rollups computed from here on.</summary>
    public async Task<long> SequenceAsync(string projectId) => (long?)await redis.GetDatabase().StringGetAsync(SequenceKey(projectId)) ?? 0;

    /// <summary>The still-valid rollups among the given days.</summary>
    public async Task<Dictionary<string, Day>> ValidAsync(string projectId, IReadOnlyList<string> days)
    {
        if (days.Count == 0) return [];
        var db = redis.GetDatabase();
        var fields = days.Select(d => (RedisValue)d).ToArray();
        var stamps = db.HashGetAsync(StampsKey(projectId), fields);
        var rollups = await db.HashGetAsync(RollupsKey(projectId), fields);
        var stamped = await stamps;
        var valid = new Dictionary<string, Day>();
        for (var i = 0; i < days.Count; i++)
        {
            if (rollups[i].IsNull) continue;
            var day = JsonSerializer.Deserialize<Day>((string)rollups[i]!, JsonSerializerOptions.Web)!;
            if (stamped[i].IsNull || (long)stamped[i] <= day.Sequence) valid[days[i]] = day;
        }
        return valid;
    }

    /// <summary>
    /// Rollups are a cache: a project's expire a month after they were last stored. The sequence and the stamps never
    /// expire (a few bytes per written day): were they to vanish, an old rollup would look valid again.
    /// </summary>
    public async Task StoreAsync(string projectId, IReadOnlyDictionary<string, Day> days)
    {
        if (days.Count == 0) return;
        var tx = redis.GetDatabase().CreateTransaction();
        _ = tx.HashSetAsync(RollupsKey(projectId), days.Select(d => new HashEntry(d.Key, JsonSerializer.Serialize(d.Value, JsonSerializerOptions.Web))).ToArray());
        _ = tx.KeyExpireAsync(RollupsKey(projectId), RollupLifetime);
        await tx.ExecuteAsync();
    }

    static readonly TimeSpan RollupLifetime = TimeSpan.FromDays(30);
}
