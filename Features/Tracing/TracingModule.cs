using Langfuse.Features.Tracing.Ingest;
using Langfuse.Features.Tracing.Pricing;
using Langfuse.Features.Tracing.Processing;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.Configuration;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Tracing;

public static class TracingModule
{
    public const string IngestionQueue = "ingestion";

    public static IServiceCollection AddTracingFeature(this IServiceCollection services)
    {
        services.AddSingleton<TokenCounter>();
        services.AddSingleton<UsageCalculator>();
        services.AddSingleton<RowMapper>();
        services.AddSingleton<TracingStore>();
        services.AddSingleton<TracingReads>();
        services.AddSingleton<Metrics.MetricsQuery>();
        services.AddSingleton<LatestRows>();
        services.AddSingleton<KeyRanges>();
        services.AddSingleton<Metrics.DailyRollups>();
        services.AddSingleton<IWrittenRowsObserver>(sp => sp.GetRequiredService<Metrics.DailyRollups>());
        services.AddSingleton<Dashboard.DashboardDays>();
        services.AddSingleton<TraceLookup>();
        services.AddSingleton<ListTraces.TraceListReads>();
        services.AddSingleton<DeleteTraces.TraceDeletion>();
        services.AddSingleton<Projects.IProjectDataOwner, TracingProjectData>();
        services.AddSingleton<IngestionPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestionPipeline>());
        return services;
    }

    public static RedisStreamsOptions AddTracingQueues(this RedisStreamsOptions streams, QueueSettings settings) =>
        streams.Route<IngestBatch>(new RedisQueue(IngestionQueue)
        {
            BatchSize = 64,
            Parallelism = 64,
            MaxAttempts = settings.MaxAttempts,
            BackoffBase = TimeSpan.FromMilliseconds(settings.BackoffBaseMs),
            BackoffMax = TimeSpan.FromMilliseconds(settings.BackoffMaxMs),
            ClaimAfter = TimeSpan.FromMilliseconds(settings.ClaimAfterMs),
        });
}
