using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using Langfuse.Features.Tracing.Tables;
using StackExchange.Redis;

namespace Langfuse.Features.Ingestion.Processing;

/// <summary>
/// Which of a round's entities the event log may hold events of from before the round: a set of entity fingerprints per
/// project in Redis, so that only those few are counted in ClickHouse. Asking ClickHouse about every entity cost a round
/// a scan of the project's whole log (a round's random ids touch every granule): a quarter of ClickHouse's CPU in the
/// closed-loop benchmark, growing with the project; the closed loop stored 15,845 events/s without that query against
/// 11,594 with it (docs/ingestion-profile.md).
/// </summary>
/// <remarks>
/// <para>Correctness rests on two rules. A round marks its entities <em>after</em> logging their events, in one atomic
/// step per entity that also says whether it was marked before; so of two rounds with events of one entity, the later
/// to mark it finds it marked and counts it in ClickHouse after the other's events were logged. And the set is trusted
/// only once it holds every entity logged before it: a project's set starts untrusted (rounds count everything in
/// ClickHouse, as before) until one instance has streamed the project's logged entities into it; the same happens when
/// Redis restarted since (its run id changed), because an append-only file synced every second may have lost the
/// last second of marks, and when the set was made before it held <see cref="ObservedTrace"/>s (its format changed).</para>
/// <para>Besides the log's entities, the set holds the traces that observation rows were stored for
/// (<see cref="ObservedTrace"/>, marked after the rows are stored): a trace new to it has all its observations in the
/// round, whose rows then give its figures (<see cref="TraceFigures"/>).</para>
/// <para>Layout: <c>langfuse:entities:{project}</c> is a hash (Redis run id, state, epoch, levels, entities in the newest
/// level, rebuild claim). An entity is a 32-bit fingerprint in one of a level's buckets, <c>…:{level}:{bucket}</c>,
/// small Redis sets of integers (4 bytes an entity while a set stays under Redis' 512-entry intset limit). Level 0 has
/// 8,192 buckets, each next level four times as many; a level takes new entities until it averages 400 a bucket
/// (3.3 million at level 0), and older levels are only read. Fingerprint and bucket together are 45 bits of a hash: a new
/// entity is taken for a known one about once in ten million.</para>
/// </remarks>
public sealed class KnownEntities(IConnectionMultiplexer redis, EventLog eventLog, TraceFigures figures, ILogger<KnownEntities> log)
{
    /// <summary>The entity type under which a trace is marked once observation rows of it are stored (no event has this type).</summary>
    public const string ObservedTrace = "observed-trace";

    /// <summary>
    /// Kept with the Redis run id a set was made under: a set made by a version that did not mark
    /// <see cref="ObservedTrace"/>s is rebuilt before it is trusted again.
    /// </summary>
    const string Format = "2";

    /// <summary>Buckets of the first level; each next level has four times as many.</summary>
    public int FirstBuckets { get; init; } = 8_192;
    /// <summary>Entities a level takes per bucket on average before the next level starts (Redis keeps a set of up to 512 integers compact).</summary>
    public int PerBucket { get; init; } = 400;
    /// <summary>How long one instance's claim to rebuild a set keeps others from starting another.</summary>
    public TimeSpan RebuildLease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Entities a script call takes (Redis runs one script at a time: a call of 1,000 keeps others waiting ~2 ms).</summary>
    const int PerCall = 1_000;

    readonly ConcurrentDictionary<string, Task> _rebuilds = new();

    public static string MetaKey(string projectId) => $"langfuse:entities:{projectId}";

    /// <summary>
    /// Marks the entities as logged and returns those that may have been logged before this call; null when the
    /// project's set cannot tell yet (every entity must be counted in ClickHouse). Call only after the entities'
    /// events are in the log.
    /// </summary>
    public async Task<HashSet<(string EntityType, string EntityId)>?> MarkAsync(string projectId, IReadOnlyList<(string EntityType, string EntityId)> entities, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        // Sent together: Redis runs them one after the other anyway, and the round waits for one round trip, not several.
        // The round's entities come distinct; a repeated one would only be reported as seen and counted in ClickHouse.
        var chunks = entities.Chunk(PerCall).ToList();
        var replies = await Task.WhenAll(chunks.Select(chunk => MarkChunkAsync(projectId, chunk)));
        var maybe = new HashSet<(string, string)>();
        var trusted = true;
        for (var c = 0; c < chunks.Count; c++)
        {
            var (ready, epoch, claimed, found) = replies[c];
            trusted &= ready;
            if (claimed) StartRebuild(projectId, epoch);
            for (var i = 0; i < chunks[c].Length; i++)
                if (found[i] == '1') maybe.Add(chunks[c][i]);
        }
        return trusted ? maybe : null;
    }

    /// <summary>The rebuild of a project's set this instance is running, if any (tests wait on it).</summary>
    public Task RebuildOf(string projectId) => _rebuilds.TryGetValue(projectId, out var task) ? task : Task.CompletedTask;

    /// <summary>Forgets a deleted project's sets.</summary>
    public async Task ForgetProjectAsync(string projectId)
    {
        var db = redis.GetDatabase();
        var levels = (long?)await db.HashGetAsync(MetaKey(projectId), "levels") ?? 0;
        var keys = new List<RedisKey>();
        for (var level = 0; level < levels; level++)
            for (var bucket = 0L; bucket < FirstBuckets * (1L << (2 * level)); bucket++)
                keys.Add($"{MetaKey(projectId)}:{level}:{bucket}");
        foreach (var batch in keys.Chunk(1_000)) await db.KeyDeleteAsync(batch);
        await db.KeyDeleteAsync(MetaKey(projectId));
    }

    async Task<(bool Ready, long Epoch, bool Claimed, string Found)> MarkChunkAsync(string projectId, (string EntityType, string EntityId)[] chunk)
    {
        var args = new RedisValue[4 + chunk.Length * 2];
        args[0] = FirstBuckets;
        args[1] = PerBucket;
        args[2] = (long)RebuildLease.TotalMilliseconds;
        args[3] = chunk.Length;
        for (var i = 0; i < chunk.Length; i++)
        {
            var (bucket, fingerprint) = Hash(chunk[i].EntityType, chunk[i].EntityId);
            args[4 + i * 2] = bucket;
            args[5 + i * 2] = fingerprint;
        }
        var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(MarkScript, [MetaKey(projectId)], args))!;
        return ((long)reply[0] == 1, (long)reply[1], (long)reply[2] == 1, (string)reply[3]!);
    }

    /// <summary>An entity's bucket (any 32-bit number; each level takes it modulo its bucket count) and fingerprint.</summary>
    /// <remarks>The hash of the UTF-8 of type, a line feed and id, encoded into one buffer on the stack (no string is built).</remarks>
    public static (uint Bucket, int Fingerprint) Hash(string entityType, string entityId)
    {
        var most = Encoding.UTF8.GetMaxByteCount(entityType.Length + 1 + entityId.Length);
        byte[]? rented = null;
        var bytes = most <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(most));
        var length = Encoding.UTF8.GetBytes(entityType, bytes);
        bytes[length++] = (byte)'\n';
        length += Encoding.UTF8.GetBytes(entityId, bytes[length..]);
        var hash = XxHash3.HashToUInt64(bytes[..length]);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return ((uint)hash, (int)(hash >> 32));
    }

    void StartRebuild(string projectId, long epoch)
    {
        var started = new TaskCompletionSource();
        if (!_rebuilds.TryAdd(projectId, started.Task)) return;
        _ = Task.Run(async () =>
        {
            try { await RebuildAsync(projectId, epoch); }
            // The claim runs out after its lease and a later round claims the rebuild again.
            catch (Exception e) { log.LogWarning(e, "Rebuilding the known-entities set of project {ProjectId} failed; a later round will retry", projectId); }
            finally
            {
                _rebuilds.TryRemove(projectId, out _);
                started.SetResult();
            }
        });
    }

    /// <summary>
    /// Streams every entity the log holds for the project, and every trace observation rows are stored for, into its
    /// set, then trusts the set if nothing reset it meanwhile (same epoch: Redis did not restart and nobody removed it).
    /// Entities logged and rows stored after the scan began are marked by their own rounds.
    /// </summary>
    async Task RebuildAsync(string projectId, long epoch)
    {
        var entities = 0;
        var page = new List<(string, string)>(PerCall);
        await foreach (var entity in eventLog.LoggedEntitiesAsync(projectId, CancellationToken.None)
            .Concat(figures.TracesWithObservationsAsync(projectId, CancellationToken.None).Select(trace => (ObservedTrace, trace))))
        {
            page.Add(entity);
            if (page.Count < PerCall) continue;
            await MarkChunkAsync(projectId, [.. page]);
            entities += page.Count;
            page.Clear();
        }
        if (page.Count > 0) await MarkChunkAsync(projectId, [.. page]);
        entities += page.Count;
        var ready = (long)(await redis.GetDatabase().ScriptEvaluateAsync(ReadyScript, [MetaKey(projectId)], [epoch]));
        log.LogInformation("Known-entities set of project {ProjectId}: {Entities} logged entities streamed in, {State}", projectId, entities,
            ready == 1 ? "trusted from now on" : "reset meanwhile, to be rebuilt again");
    }

    // ARGV: first level's buckets, entities per bucket before the next level, rebuild lease (ms), n, then n × (bucket
    // hash, fingerprint). Returns {ready, epoch, claimed the rebuild, one '0'/'1' per entity: marked before this call}.
    const string MarkScript = $$"""
        local meta = KEYS[1]
        local buckets0, perBucket, lease, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)') .. ':{{Format}}'
        local m = redis.call('HMGET', meta, 'run', 'state', 'levels', 'items', 'epoch', 'claimed')
        local levels, items, epoch, state, claimed = tonumber(m[3]) or 1, tonumber(m[4]) or 0, tonumber(m[5]) or 0, m[2], tonumber(m[6]) or 0
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        if m[1] ~= run then
          -- New, or Redis restarted since the marks were made: until rebuilt, the set may lack some.
          state, epoch, claimed = 'building', now, 0
          redis.call('HSET', meta, 'run', run, 'state', state, 'epoch', epoch)
        end
        local prefixes, sizes = {}, {}
        for l = 0, levels - 1 do prefixes[l] = meta .. ':' .. l .. ':'; sizes[l] = buckets0 * 4 ^ l end
        local flags, added, newest = {}, 0, levels - 1
        for i = 1, n do
          local h, fp = tonumber(ARGV[3 + 2 * i]), ARGV[4 + 2 * i]
          local seen = false
          for l = 0, newest - 1 do
            if redis.call('SISMEMBER', prefixes[l] .. (h % sizes[l]), fp) == 1 then seen = true break end
          end
          if not seen then
            if redis.call('SADD', prefixes[newest] .. (h % sizes[newest]), fp) == 0 then seen = true else added = added + 1 end
          end
          flags[i] = seen and '1' or '0'
        end
        items = items + added
        if items >= sizes[newest] * perBucket then levels, items = levels + 1, 0 end
        local claim = 0
        if state ~= 'ready' and now - claimed > lease then claim, claimed = 1, now end
        redis.call('HSET', meta, 'levels', levels, 'items', items, 'claimed', claimed)
        return { state == 'ready' and 1 or 0, epoch, claim, table.concat(flags) }
        """;

    const string ReadyScript = $$"""
        local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)') .. ':{{Format}}'
        local m = redis.call('HMGET', KEYS[1], 'run', 'epoch')
        if m[1] == run and tonumber(m[2]) == tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'state', 'ready') return 1 end
        return 0
        """;
}
