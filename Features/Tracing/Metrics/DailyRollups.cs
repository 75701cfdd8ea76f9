using System.Text.Json;
using Langfuse.Features.Tracing.Tables;
using StackExchange.Redis;

namespace Langfuse.Features.Tracing.Metrics;

/// <summary>
/// Per-day totals (of the daily metrics, of the dashboard), kept in Redis so a 30-day request does not aggregate
/// millions of observations. Validity rests on a per-project sequence number: every write of trace, observation or
/// score rows bumps it and stamps the days it touched, after ClickHouse holds the rows; a rollup remembers the number
/// read before its aggregation started, and serves only while none of its day's stamps is newer.
/// </summary>
public sealed class DailyRollups(IConnectionMultiplexer redis, ILogger<DailyRollups> log) : IWrittenRowsObserver
{
    /// <summary>A day's totals of some kind, with the sequence number read before they were aggregated.</summary>
    public interface IRollup { long Sequence { get; } }

    public sealed record Model(string Name, long InputUsage, long OutputUsage, long TotalUsage, ulong CountTraces, ulong CountObservations, double TotalCost);

    /// <summary>A day of the public daily metrics.</summary>
    public sealed record Day(long Sequence, ulong CountTraces, List<Model> Models) : IRollup;

    public const string MetricsKind = "metrics";

    const string MarkScript = "local s = redis.call('INCR', KEYS[1]) for _, d in ipairs(ARGV) do redis.call('HSET', KEYS[2], d, s) end return s";

    static string SequenceKey(string projectId) => $"langfuse:daily:seq:{projectId}";
    static string StampsKey(string projectId) => $"langfuse:daily:stamps:{projectId}";
    static string RollupsKey(string projectId) => $"langfuse:daily:rollups2:{projectId}"; // 2: fields named kind|day

    public Task ForgetProjectAsync(string projectId) =>
        redis.GetDatabase().KeyDeleteAsync([SequenceKey(projectId), StampsKey(projectId), RollupsKey(projectId)]);

    public static string DayOf(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime.ToString("yyyy-MM-dd");

    public async Task RowsWrittenAsync<T>(string table, IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        var days = rows switch
        {
            IReadOnlyCollection<TraceRow> traces => traces.Select(t => (t.ProjectId, DayOf(t.Timestamp))),
            IReadOnlyCollection<ObservationRow> observations => observations.Select(o => (o.ProjectId, DayOf(o.StartTime))),
            IReadOnlyCollection<ScoreRow> scores => scores.Select(s => (s.ProjectId, DayOf(s.Timestamp))),
            _ => [],
        };
        foreach (var project in days.Distinct().GroupBy(d => d.ProjectId))
            await redis.GetDatabase().ScriptEvaluateAsync(MarkScript, [SequenceKey(project.Key), StampsKey(project.Key)],
                project.Select(d => (RedisValue)d.Item2).ToArray());
    }

    /// <summary>The sequence number now, to be stored with rollups computed from here on.</summary>
    public async Task<long> SequenceAsync(string projectId) => (long?)await redis.GetDatabase().StringGetAsync(SequenceKey(projectId)) ?? 0;

    /// <summary>The still-valid rollups of a kind (a name, with whatever narrows it) among the given days.</summary>
    public async Task<Dictionary<string, T>> ValidAsync<T>(string projectId, string kind, IReadOnlyList<string> days) where T : IRollup
    {
        if (days.Count == 0) return [];
        var db = redis.GetDatabase();
        var stamps = db.HashGetAsync(StampsKey(projectId), days.Select(d => (RedisValue)d).ToArray());
        var rollups = await db.HashGetAsync(RollupsKey(projectId), days.Select(d => Field(kind, d)).ToArray());
        var stamped = await stamps;
        var valid = new Dictionary<string, T>();
        for (var i = 0; i < days.Count; i++)
        {
            if (rollups[i].IsNull) continue;
            var day = JsonSerializer.Deserialize<T>((string)rollups[i]!, JsonSerializerOptions.Web)!;
            if (stamped[i].IsNull || (long)stamped[i] <= day.Sequence) valid[days[i]] = day;
        }
        return valid;
    }

    static RedisValue Field(string kind, string day) => $"{kind}|{day}";

    /// <summary>
    /// The sequence number now and the still-valid rollups among the days; null when Redis does not answer, and the
    /// caller aggregates every day (rollups are a cache: reads go on without them).
    /// </summary>
    public async Task<(long Sequence, Dictionary<string, T> Valid)?> TryReadAsync<T>(string projectId, string kind, IReadOnlyList<string> days) where T : IRollup
    {
        try
        {
            var sequence = await SequenceAsync(projectId);
            return (sequence, await ValidAsync<T>(projectId, kind, days));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            log.LogWarning("Rollups {Kind} unavailable ({Error}); aggregating every day", kind, e.Message);
            return null;
        }
    }

    /// <summary><see cref="StoreAsync{T}"/>, or a warning when Redis does not answer: the next request aggregates again.</summary>
    public async Task TryStoreAsync<T>(string projectId, string kind, IReadOnlyDictionary<string, T> days) where T : IRollup
    {
        try { await StoreAsync(projectId, kind, days); }
        catch (Exception e) when (e is RedisException or TimeoutException) { log.LogWarning("Rollups {Kind} not stored ({Error})", kind, e.Message); }
    }

    /// <summary>
    /// Rollups are a cache: a project's expire a month after they were last stored. The sequence and the stamps never
    /// expire (a few bytes per written day): were they to vanish, an old rollup would look valid again.
    /// </summary>
    public async Task StoreAsync<T>(string projectId, string kind, IReadOnlyDictionary<string, T> days) where T : IRollup
    {
        if (days.Count == 0) return;
        var tx = redis.GetDatabase().CreateTransaction();
        _ = tx.HashSetAsync(RollupsKey(projectId), days.Select(d => new HashEntry(Field(kind, d.Key), JsonSerializer.Serialize(d.Value, JsonSerializerOptions.Web))).ToArray());
        _ = tx.KeyExpireAsync(RollupsKey(projectId), RollupLifetime);
        await tx.ExecuteAsync();
    }

    static readonly TimeSpan RollupLifetime = TimeSpan.FromDays(30);
}
