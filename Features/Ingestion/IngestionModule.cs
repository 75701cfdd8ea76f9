using Langfuse.Features.Ingestion.Pricing;
using Langfuse.Features.Ingestion.Processing;
using Langfuse.Infrastructure.Configuration;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Ingestion;

/// <summary>
/// The write side: the batch API, OTLP and score creation accept events onto the ingestion stream; the worker's
/// handler folds them (merge rule, usage, cost) and writes the rows the Tracing area reads.
/// </summary>
public static class IngestionModule
{
    public const string IngestionQueue = "ingestion";

    public static IServiceCollection AddIngestionFeature(this IServiceCollection services)
    {
        services.AddSingleton<TokenCounter>();
        services.AddSingleton<UsageCalculator>();
        services.AddSingleton<RowMapper>();
        services.AddSingleton<EventLog>();
        services.AddSingleton<KnownEntities>();
        services.AddSingleton<Projects.IProjectDataOwner, IngestionProjectData>();
        services.AddSingleton<IngestionPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestionPipeline>());
        return services;
    }

    public static RedisStreamsOptions AddIngestionQueues(this RedisStreamsOptions streams, QueueSettings settings) =>
        // Encoded: the pipeline decodes a batch when its round starts, not while it waits.
        streams.RouteEncoded<IngestBatch>(new RedisQueue(IngestionQueue)
        {
            BatchSize = 64,
            // A round takes every batch that arrived while the previous one wrote, so about half of these are in the
            // next round. At 64 rounds stopped at ~3,100 events (711 ms) and a worker that fell behind stayed behind;
            // at 128 a backlog made rounds larger and cheaper per event, and the worker caught up. At 256 a backlog's
            // rounds are ~12,800 events: half the parts, and ClickHouse's CPU per stored event fell by a third
            // (58 / 47 → 36 / 35 ms per 1,000 in interleaved closed-loop runs). Memory was the price while the
            // waiting batches were held decoded (RSS peaks ~480–530 MB draining); they now wait encoded, a sixth of
            // the size (docs/ingestion-profile.md). Without a backlog rounds stay small whatever this is.
            Parallelism = 256,
            // The benchmark's 256 entries are ~6 MB (100 events gzip to ~25 KB); 4.5 MB requests of incompressible
            // bodies would hold 1.1 GB at 256. Entries waiting are not decoded, so this is their size in memory.
            MaxBytesInFlight = 64L * 1024 * 1024,
            MaxAttempts = settings.MaxAttempts,
            BackoffBase = TimeSpan.FromMilliseconds(settings.BackoffBaseMs),
            BackoffMax = TimeSpan.FromMilliseconds(settings.BackoffMaxMs),
            ClaimAfter = TimeSpan.FromMilliseconds(settings.ClaimAfterMs),
        });
}
