using System.Diagnostics;
using System.Threading.Channels;
using Langfuse.Features.Models;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Messaging;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Ingestion.Processing;

/// <summary>
/// Coalesces the batches that arrive while a write is in flight into one ClickHouse round: log the events,
/// read back each touched entity's full history, fold, write the merged rows. Each submitter's task completes only
/// when its events are stored, so the Redis entry is acknowledged after the write, never before.
/// An event whose content makes its fold or its row fail is quarantined on its own (see <see cref="Quarantine"/>):
/// the rest of the round, other projects' events included, is stored. A failure of a store fails the whole round,
/// which is then retried as it is.
/// </summary>
public sealed class IngestionPipeline(EventLog eventLog, KnownEntities known, TracingStore store, TraceFigures figures, RowMapper mapper, ProjectModels models,
    Projects.ProjectLiveness projects, RedisStreamPublisher deadLetters, ILogger<IngestionPipeline> log) : IHostedService
{
    /// <summary>A batch waits encoded: the waiting half of the 256 in flight are decoded only when their round starts.</summary>
    sealed record Pending(Encoded<IngestBatch> Entry, TaskCompletionSource Done);

    readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly CancellationTokenSource _stop = new();
    Task? _loop;

    /// <summary>Completes when the batch's events are stored, or when it was dropped because its project is deleted.</summary>
    public Task SubmitAsync(Encoded<IngestBatch> entry, CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(entry, done))) throw new InvalidOperationException("The ingestion pipeline is stopped.");
        return done.Task.WaitAsync(ct);
    }

    public Task StartAsync(CancellationToken ct)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        if (_loop is not null) await _loop.WaitAsync(ct).ContinueWith(_ => { });
    }

    async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var round = new List<(TaskCompletionSource Done, IngestBatch Batch)>();
            var budget = new RoundBudget();
            while (!budget.Spent && reader.TryRead(out var next))
            {
                try
                {
                    var batch = next.Entry.Decode();
                    if (await IsLiveAsync(batch))
                    {
                        round.Add((next.Done, batch));
                        budget.Add(batch);
                    }
                    else next.Done.TrySetResult();
                }
                // Undecodable: its consumer dead-letters it. Anything else (the liveness check failing): retried like a
                // failed round. Either way the loop goes on; an exception escaping it would stop ingestion for good.
                catch (Exception e) { next.Done.TrySetException(e); }
            }
            if (round.Count == 0) continue;
            try
            {
                await WriteAsync(round.ConvertAll(taken => taken.Batch), _stop.Token);
                foreach (var p in round) p.Done.TrySetResult();
            }
            catch (Exception e)
            {
                // Content failures were isolated per event inside the round; what reaches here is a store failing,
                // which every batch of the round would meet too: all are retried.
                foreach (var p in round) p.Done.TrySetException(e);
            }
        }
    }

    /// <summary>Batches of a project deleted since they were accepted are dropped.</summary>
    async Task<bool> IsLiveAsync(IngestBatch batch)
    {
        if (await projects.IsLiveAsync(batch.ProjectId, _stop.Token)) return true;
        // Rare (events in flight while their project is deleted) and final: say so.
        log.LogWarning("Dropped a batch of {Count} events: project {ProjectId} is deleted", batch.Events.Count, batch.ProjectId);
        return false;
    }

    public async Task WriteAsync(IReadOnlyList<IngestBatch> batches, CancellationToken ct)
    {
        var clock = new RoundClock();
        var logRows = batches.SelectMany(b => b.Events.Select(e =>
            new EventLogRow(b.ProjectId, e.EntityType, e.EntityId, e.EventId, e.Type, e.TimestampMs, b.ReceivedAtMs, e.Body))).ToList();
        var quarantine = new Quarantine();
        await eventLog.AppendAsync(logRows, (row, reason) => { quarantine.Add(row, "event log: " + reason); return Task.CompletedTask; }, ct);
        clock.Lap("log");

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var traces = new List<TraceRow>();
        var observations = new List<ObservationRow>();
        var scores = new List<ScoreRow>();
        var roundEvents = new Dictionary<(string, string, string), List<EventLogRow>>();
        var released = new List<EventLogRow>();
        var live = logRows.Where(r => !quarantine.Has(r)).ToList();
        // Most entities are new: when the log holds no more events for an entity than this round wrote, the round's
        // own events are its whole history and the bodies need not be read back. The known-entities set names the
        // few that may have earlier events; only those are counted in ClickHouse (all of them while it cannot tell).
        var counts = new Dictionary<string, Dictionary<(string EntityType, string EntityId), ulong>>();
        var work = new List<Entity>();
        foreach (var project in live.GroupBy(r => r.ProjectId))
        {
            var entities = project.Select(r => (r.EntityType, r.EntityId)).Distinct().ToList();
            var maybe = await known.MarkAsync(project.Key, entities, ct);
            clock.Lap("known");
            var ask = maybe is null ? entities : entities.Where(maybe.Contains).ToList();
            counts[project.Key] = ask.Count == 0 ? [] : await eventLog.CountsAsync(project.Key, ask, ct);
            clock.Lap("counts");
        }
        foreach (var group in live.GroupBy(r => (r.ProjectId, r.EntityType)))
        {
            var (projectId, entityType) = group.Key;
            var fresh = group.GroupBy(r => r.EntityId).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var (id, rows) in fresh) roundEvents[(projectId, entityType, id)] = rows;
            var logged = counts[projectId];
            var older = fresh.Where(kv => logged.GetValueOrDefault((entityType, kv.Key)) > (ulong)kv.Value.Count).Select(kv => kv.Key).ToList();
            var quarantined = new HashSet<(string EntityId, string EventId)>();
            if (older.Count > 0)
            {
                quarantined = await eventLog.QuarantinedAsync(projectId, entityType, older, ct);
                var inRound = fresh.SelectMany(kv => kv.Value.Select(e => (kv.Key, e.EventId))).ToHashSet();
                foreach (var entity in (await eventLog.HistoryAsync(projectId, entityType, older, ct)).GroupBy(h => h.EntityId))
                    // Quarantined events stay out of later folds; one that this round brings again (a replay) is tried again.
                    fresh[entity.Key] = entity.Where(e => !quarantined.Contains((entity.Key, e.EventId)) || inRound.Contains((entity.Key, e.EventId))).ToList();
            }
            clock.Lap("history");
            var projectModels = entityType == EntityTypes.Observation ? await models.PricesAsync(projectId, ct) : [];
            clock.Lap("models");
            foreach (var (entityId, events) in fresh)
                work.Add(new(entityId, events, quarantined, entityType switch
                {
                    EntityTypes.Trace => e => mapper.Trace(projectId, entityId, e, now),
                    EntityTypes.Observation => e => CheckFinite(mapper.Observation(projectId, entityId, e, now, projectModels)),
                    _ => e => CheckFinite(mapper.Score(projectId, entityId, e, now)),
                }));
        }
        // The merge rule, usage (tokenizing when no usage was sent) and cost: CPU work on each entity's own events, spread
        // over the cores while ClickHouse has nothing of this round to do (it was a third of a round's time on one core).
        var folded = new FoldResult[work.Count];
        Parallel.For(0, work.Count, new ParallelOptions { CancellationToken = ct }, i => folded[i] = Fold(work[i].Events, work[i].Map));
        for (var i = 0; i < work.Count; i++)
        {
            var (row, whole, refused) = folded[i];
            foreach (var (e, reason) in refused) quarantine.Add(e, reason);
            if (row is TraceRow t) traces.Add(t);
            else if (row is ObservationRow o) observations.Add(o);
            else if (row is ScoreRow sc) scores.Add(sc);
            var (entityId, events, quarantined, _) = work[i];
            if (whole && quarantined.Count > 0) released.AddRange(events.Where(e => quarantined.Contains((entityId, e.EventId))));
        }
        clock.Lap("fold");
        Task Refused<T>(string entityType, T row) where T : IMergedRow, IProjectRow
        {
            foreach (var e in roundEvents.GetValueOrDefault((row.ProjectId, entityType, row.Id)) ?? []) quarantine.Add(e, "row refused by ClickHouse");
            return Task.CompletedTask;
        }
        var refusedObservations = new HashSet<ObservationRow>(ReferenceEqualityComparer.Instance);
        async Task StoreChildrenAsync()
        {
            (observations, scores) = await OfDeletedTracesDeletedAsync(observations, scores, ct);
            clock.Lap("deleted-check");
            await Task.WhenAll(
                store.InsertIsolatingAsync("observations", observations, (r, _) => { refusedObservations.Add(r); return Refused(EntityTypes.Observation, r); }, ct),
                store.InsertIsolatingAsync("scores", scores, (r, _) => Refused(EntityTypes.Score, r), ct));
        }
        // Traces do not wait for the deleted-trace check of the children (a trace's own row never decides whether it is
        // deleted; its tombstone does): their insert runs while ClickHouse answers the check.
        await Task.WhenAll(store.InsertIsolatingAsync("traces", traces, (r, _) => Refused(EntityTypes.Trace, r), ct), StoreChildrenAsync());
        clock.Lap("insert");
        await WriteFiguresAsync(observations.Where(o => !refusedObservations.Contains(o)).ToList(), ct);
        clock.Lap("figures");
        if (released.Count > 0) await eventLog.SetQuarantineAsync(released, null, ct);
        await quarantine.StoreAsync(eventLog, deadLetters, log, ct);
        clock.Lap("quarantine");
        // The stage text is built only when debug logging is on: this runs once per round on the write path.
        if (log.IsEnabled(LogLevel.Debug))
            log.LogDebug("Stored {Events} events ({Traces} traces, {Observations} observations, {Scores} scores) in {Ms} ms: {Stages}",
                logRows.Count, traces.Count, observations.Count, scores.Count, clock.TotalMs, clock.ToString());
    }

    /// <summary>One entity of a round: its events (its whole history where it had earlier ones) and how they become its row.</summary>
    sealed record Entity(string Id, List<EventLogRow> Events, HashSet<(string EntityId, string EventId)> Quarantined, Func<IReadOnlyList<EventLogRow>, IMergedRow> Map);

    /// <summary>An entity's row (none when every event failed), whether all its events folded at once, and the events refused.</summary>
    readonly record struct FoldResult(IMergedRow? Row, bool Whole, IReadOnlyList<(EventLogRow Event, string Reason)> Refused);

    /// <summary>
    /// Folds one entity's events into its row. If that fails for the events' content, the events are folded one
    /// by one in order and each event whose addition fails is refused (to be quarantined); the row of the others is kept.
    /// </summary>
    static FoldResult Fold(List<EventLogRow> events, Func<IReadOnlyList<EventLogRow>, IMergedRow> map)
    {
        try { return new(map(events), true, []); }
        catch (Exception e) when (IsContentFailure(e)) { }
        var kept = new List<EventLogRow>();
        var refused = new List<(EventLogRow, string)>();
        IMergedRow? last = null;
        foreach (var next in EventFolder.InOrder(events))
        {
            try { last = map([.. kept, next]); kept.Add(next); }
            catch (Exception e) when (IsContentFailure(e)) { refused.Add((next, $"{e.GetType().Name}: {e.Message}")); }
        }
        return new(last, false, refused);
    }

    static bool IsContentFailure(Exception e) => !TransientFailure.Is(e) && e is not OperationCanceledException;

    /// <summary>JSON has no Infinity or NaN: a row holding one could not be written.</summary>
    static ObservationRow CheckFinite(ObservationRow row)
    {
        if (row.TotalCost is { } t && !double.IsFinite(t) || row.CostValues.Any(v => !double.IsFinite(v)) || row.ProvidedCostValues.Any(v => !double.IsFinite(v)))
            throw new ArgumentOutOfRangeException(nameof(row), "cost is not a finite number");
        return row;
    }

    static ScoreRow CheckFinite(ScoreRow row) =>
        double.IsFinite(row.Value) ? row : throw new ArgumentOutOfRangeException(nameof(row), "score value is not a finite number");

    /// <summary>
    /// Events taken out of a round. Each is recorded in ClickHouse (later folds of its entity leave it out) and copied to
    /// the ingestion queue's dead-letter stream with its project and reason, where it can be listed and replayed.
    /// </summary>
    sealed class Quarantine
    {
        // Concurrent: the tables' inserts run at once and each may refuse rows.
        readonly System.Collections.Concurrent.ConcurrentDictionary<string, (EventLogRow Event, string Reason)> _events = new();

        int _count;

        public void Add(EventLogRow e, string reason)
        {
            if (_events.TryAdd(Key(e), (e, reason))) Interlocked.Increment(ref _count);
        }

        // Asked of every event of every round, nearly always of an empty quarantine: no key is built then (the keys were
        // 3 % of the bytes the worker allocated while draining a backlog). A count of its own, because the dictionary's
        // IsEmpty and Count take all its locks when it is empty.
        public bool Has(EventLogRow e) => Volatile.Read(ref _count) > 0 && _events.ContainsKey(Key(e));
        static string Key(EventLogRow e) => e.ProjectId + "\n" + e.EntityType + "\n" + e.EntityId + "\n" + e.EventId;

        public async Task StoreAsync(EventLog eventLog, RedisStreamPublisher deadLetters, ILogger log, CancellationToken ct)
        {
            if (_events.Count == 0) return;
            foreach (var byReason in _events.Values.GroupBy(q => q.Reason))
                await eventLog.SetQuarantineAsync(byReason.Select(q => q.Event).ToList(), Shorten(byReason.Key), ct);
            foreach (var (e, reason) in _events.Values)
            {
                log.LogWarning("Quarantined {EntityType} event {EventId} of project {ProjectId}: {Reason}", e.EntityType, e.EventId, e.ProjectId, reason);
                var accepted = new AcceptedEvent(e.EventId, e.EventType, e.EventTs, e.EntityType, e.EntityId, e.Body);
                await deadLetters.DeadLetterAsync(new IngestBatch(e.ProjectId, e.ReceivedAt, [accepted]), Shorten(reason), e.ProjectId);
            }
        }

        static string Shorten(string reason) => reason.Length > 1000 ? reason[..1000] + "…" : reason;
    }

    /// <summary>
    /// The figures of the traces of the stored observation rows. A trace is marked as observed only now, after its rows
    /// are stored: of two rounds with observations of one trace, the later to mark it finds it marked and has ClickHouse
    /// recompute the figures from both rounds' rows; a trace the set did not hold gets them from this round's rows.
    /// </summary>
    async Task WriteFiguresAsync(List<ObservationRow> stored, CancellationToken ct)
    {
        foreach (var project in stored.GroupBy(o => o.ProjectId))
        {
            var traces = project.Select(o => (KnownEntities.ObservedTrace, o.TraceId)).Distinct().ToList();
            var maybe = await known.MarkAsync(project.Key, traces, ct);
            await figures.WriteAsync(project.Key, project.ToList(), trace => maybe is not null && !maybe.Contains((KnownEntities.ObservedTrace, trace)), ct);
        }
    }

    /// <summary>
    /// Observations and scores of a deleted trace are stored deleted: a child that arrives after its trace was
    /// deleted (the deletion's own sweep has run) would otherwise sit in the lists without its trace.
    /// </summary>
    async Task<(List<ObservationRow>, List<ScoreRow>)> OfDeletedTracesDeletedAsync(List<ObservationRow> observations, List<ScoreRow> scores, CancellationToken ct)
    {
        var deleted = new HashSet<(string, string)>();
        var parents = observations.Select(o => (o.ProjectId, o.TraceId)).Concat(scores.Where(s => s.TraceId is not null).Select(s => (s.ProjectId, s.TraceId!)));
        foreach (var project in parents.Distinct().GroupBy(p => p.Item1))
            foreach (var id in await store.DeletedTracesAsync(project.Key, project.Select(p => p.Item2).ToList(), ct))
                deleted.Add((project.Key, id));
        if (deleted.Count == 0) return (observations, scores);
        return (observations.Select(o => deleted.Contains((o.ProjectId, o.TraceId)) ? Tombstones.Of(o, o.UpdatedAt) : o).ToList(),
            scores.Select(s => s.TraceId is not null && deleted.Contains((s.ProjectId, s.TraceId)) ? Tombstones.Of(s, s.UpdatedAt) : s).ToList());
    }
}

/// <summary>Wolverine handler for batches taken off the Redis stream: they wait for a round as they came.</summary>
public static class IngestBatchHandler
{
    public static Task Handle(Encoded<IngestBatch> batch, IngestionPipeline pipeline, CancellationToken ct) => pipeline.SubmitAsync(batch, ct);
}

/// <summary>
/// How much one round takes: its decoded batches, rows and insert buffers are most of the service's heap while it
/// drains a backlog, so this bounds the worker's memory. Events: with batches waiting encoded, rounds took whatever
/// waited up to the bound; at 20,000 the heap held 121–130 MB live under the closed-loop benchmark and RSS peaked at
/// 502–533 MB, at 12,000 447 / 449 MB with the stored rate as before (docs/ingestion-profile.md). Bytes: the
/// benchmark's rounds are ~10 MB of bodies; without this, 12,000 events of 1 MB each would be one round.
/// A round takes at least one batch, whatever its size.
/// </summary>
public struct RoundBudget
{
    public const int MaxEvents = 12_000;
    public const long MaxBodyBytes = 16 * 1024 * 1024;
    int _events;
    long _bytes;

    public readonly bool Spent => _events >= MaxEvents || _bytes >= MaxBodyBytes;

    public void Add(IngestBatch batch)
    {
        _events += batch.Events.Count;
        foreach (var e in batch.Events) _bytes += e.Body.Length;
    }
}

/// <summary>
/// Where a round's time goes, by stage (laps of one stage added up across the round's entity types); logged at debug
/// level with each round. <c>docs/ingestion-profile.md</c> adds these up over a benchmark run.
/// </summary>
sealed class RoundClock
{
    readonly long _started = Stopwatch.GetTimestamp();
    readonly List<(string Stage, double Ms)> _stages = [];
    long _last;

    public RoundClock() => _last = _started;

    public void Lap(string stage)
    {
        var now = Stopwatch.GetTimestamp();
        var ms = Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds;
        var i = _stages.FindIndex(s => s.Stage == stage);
        if (i < 0) _stages.Add((stage, ms));
        else _stages[i] = (stage, _stages[i].Ms + ms);
        _last = now;
    }

    public double TotalMs => Stopwatch.GetElapsedTime(_started).TotalMilliseconds;

    public override string ToString() => string.Join(" ", _stages.Select(s => $"{s.Stage}={s.Ms.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)}"));
}
