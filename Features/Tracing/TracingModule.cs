using Langfuse.Features.Tracing.Tables;

namespace Langfuse.Features.Tracing;

/// <summary>The read side of traces, observations and scores (public lists, the web app, metrics, dashboards) and deletion.</summary>
public static class TracingModule
{
    public static IServiceCollection AddTracingFeature(this IServiceCollection services)
    {
        services.AddSingleton<TracingStore>();
        services.AddSingleton<TracingReads>();
        services.AddSingleton<Metrics.MetricsQuery>();
        services.AddSingleton<LatestRows>();
        services.AddSingleton<KeyRanges>();
        services.AddSingleton<Metrics.DailyRollups>();
        services.AddSingleton<IWrittenRowsObserver>(sp => sp.GetRequiredService<Metrics.DailyRollups>());
        services.AddSingleton<TraceFigures>();
        services.AddSingleton<Dashboard.DashboardDays>();
        services.AddSingleton<TraceLookup>();
        services.AddSingleton<ListTraces.TraceListReads>();
        services.AddSingleton<DeleteTraces.TraceDeletion>();
        services.AddSingleton<Projects.IProjectDataOwner, TracingProjectData>();
        return services;
    }
}
