using System.Diagnostics;
using System.Threading.Channels;
using Langfuse.Features.Models;
using Langfuse.Features.Tracing.Ingest;
using Langfuse.Features.Tracing.Storage;

namespace Langfuse.Features.Tracing.Processing;

/// <summary>
/// Coalesces the batches that arrive while a write is in flight into one ClickHouse round: log the events,
/// read back each touched entity's full history, fold, write the merged rows. Each submitter's task completes only
/// when its events are stored, so the Redis entry is acknowledged after the write, never before.
/// </summary>
public sealed class IngestionPipeline(TracingStore store, RowMapper mapper, ProjectModels models, ILogger<IngestionPipeline> log) : IHostedService
{
    sealed record Pending(IngestBatch Batch, TaskCompletionSource Done);

    const int MaxEventsPerRound = 20_000;
    readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly CancellationTokenSource _stop = new();
    Task? _loop;

    public Task SubmitAsync(IngestBatch batch, CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(batch, done))) throw new InvalidOperationException("The ingestion pipeline is stopped.");
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
            var round = new List<Pending>();
            var events = 0;
            while (events < MaxEventsPerRound && reader.TryRead(out var next))
            {
                round.Add(next);
                events += next.Batch.Events.Count;
            }
            if (round.Count == 0) continue;
            try
            {
                await WriteAsync(round.Select(p => p.Batch).ToList(), _stop.Token);
                foreach (var p in round) p.Done.TrySetResult();
            }
            catch (Exception e) when (round.Count > 1)
            {
                // One bad batch must not fail its neighbours: retry each alone, so only the culprit fails.
                log.LogWarning("A coalesced write of {Batches} batches failed ({Error}); writing them one by one", round.Count, e.Message);
                foreach (var p in round)
                {
                    try { await WriteAsync([p.Batch], _stop.Token); p.Done.TrySetResult(); }
                    catch (Exception single) { p.Done.TrySetException(single); }
                }
            }
            catch (Exception e)
            {
                round[0].Done.TrySetException(e);
            }
        }
    }

    public async Task WriteAsync(IReadOnlyList<IngestBatch> batches, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var logRows = batches.SelectMany(b => b.Events.Select(e =>
            new EventLogRow(b.ProjectId, e.EntityType, e.EntityId, e.EventId, e.Type, e.TimestampMs, b.ReceivedAtMs, e.Body))).ToList();
        await store.InsertAsync("ingestion_events", logRows, ct);
        var logged = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var traces = new List<TraceRow>();
        var observations = new List<ObservationRow>();
        var scores = new List<ScoreRow>();
        foreach (var group in logRows.GroupBy(r => (r.ProjectId, r.EntityType)))
        {
            var fresh = group.GroupBy(r => r.EntityId).ToDictionary(g => g.Key, g => g.ToList());
            // Most entities are new: when the log holds no more events for an entity than this round wrote, the
            // round's own events are its whole history and the bodies need not be read back.
            var counts = await store.CountsAsync(group.Key.ProjectId, group.Key.EntityType, fresh.Keys, ct);
            var older = fresh.Where(kv => counts.GetValueOrDefault(kv.Key) > (ulong)kv.Value.Count).Select(kv => kv.Key).ToList();
            if (older.Count > 0)
                foreach (var entity in (await store.HistoryAsync(group.Key.ProjectId, group.Key.EntityType, older, ct)).GroupBy(h => h.EntityId))
                    fresh[entity.Key] = entity.ToList();
            var projectModels = group.Key.EntityType == EntityTypes.Observation ? await models.PricesAsync(group.Key.ProjectId, ct) : [];
            foreach (var (entityId, events) in fresh)
            {
                switch (group.Key.EntityType)
                {
                    case EntityTypes.Trace: traces.Add(mapper.Trace(group.Key.ProjectId, entityId, events, now)); break;
                    case EntityTypes.Observation: observations.Add(mapper.Observation(group.Key.ProjectId, entityId, events, now, projectModels)); break;
                    case EntityTypes.Score: scores.Add(mapper.Score(group.Key.ProjectId, entityId, events, now)); break;
                }
            }
        }
        (observations, scores) = await OfDeletedTracesDeletedAsync(observations, scores, ct);
        var folded = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await Task.WhenAll(
            store.InsertAsync("traces", traces, ct),
            store.InsertAsync("observations", observations, ct),
            store.InsertAsync("scores", scores, ct));
        log.LogDebug("Stored {Events} events ({Traces} traces, {Observations} observations, {Scores} scores) in {Ms} ms (log {Logged} ms, history+fold {Folded} ms)",
            logRows.Count, traces.Count, observations.Count, scores.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, logged, folded - logged);
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
        return (observations.Select(o => deleted.Contains((o.ProjectId, o.TraceId)) ? o with { IsDeleted = 1, FoldVersion = TracingStore.Tombstone } : o).ToList(),
            scores.Select(s => s.TraceId is not null && deleted.Contains((s.ProjectId, s.TraceId)) ? s with { IsDeleted = 1, FoldVersion = TracingStore.Tombstone } : s).ToList());
    }
}

/// <summary>Wolverine handler for batches taken off the Redis stream.</summary>
public static class IngestBatchHandler
{
    public static Task Handle(IngestBatch batch, IngestionPipeline pipeline, CancellationToken ct) => pipeline.SubmitAsync(batch, ct);
}
