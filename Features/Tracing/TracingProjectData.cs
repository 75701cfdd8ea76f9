using Langfuse.Features.Projects;

namespace Langfuse.Features.Tracing;

/// <summary>A deleted project's traces, observations, scores, logged and quarantined events, and daily rollups.</summary>
sealed class TracingProjectData(DeleteTraces.TraceDeletion deletion, Metrics.DailyRollups rollups) : IProjectDataOwner
{
    public async Task EraseProjectAsync(string projectId, CancellationToken ct)
    {
        await deletion.EraseProjectAsync(projectId, ct);
        await rollups.ForgetProjectAsync(projectId);
    }
}
