using Langfuse.Features.Projects;

namespace Langfuse.Features.Prompts;

/// <summary>A deleted project's cached prompts (the prompts themselves are project documents, erased with the rest).</summary>
sealed class PromptProjectData(PromptCache cache) : IProjectDataOwner
{
    public Task EraseProjectAsync(string projectId, CancellationToken ct) => cache.ForgetProjectAsync(projectId);
}
