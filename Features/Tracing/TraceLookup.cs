using Langfuse.Features.Tracing.Tables;

namespace Langfuse.Features.Tracing;

/// <summary>What other slices may ask of the tracing data, without depending on its storage classes.</summary>
public sealed class TraceLookup(TracingReads reads)
{
    /// <summary>The trace an observation belongs to, or null if the project has no such observation (yet).</summary>
    public async Task<string?> TraceIdOfObservationAsync(string projectId, string observationId, CancellationToken ct) =>
        (await reads.ObservationAsync(projectId, observationId, ct))?.TraceId;
}
