using Langfuse.Features.Ingestion.Processing;
using Langfuse.Features.Projects;

namespace Langfuse.Features.Ingestion;

/// <summary>A deleted project's known-entities set (its logged events go with the tracing tables).</summary>
sealed class IngestionProjectData(KnownEntities known) : IProjectDataOwner
{
    public Task EraseProjectAsync(string projectId, CancellationToken ct) => known.ForgetProjectAsync(projectId);
}
