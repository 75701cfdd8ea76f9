using Langfuse.Infrastructure.Configuration;

namespace Langfuse.Features.Projects;

/// <summary>LANGFUSE_INIT_*: creates the configured organization, project and key at start-up (idempotent, like Langfuse's headless init).</summary>
sealed class InitializeFromEnvironment(LangfuseSettings settings, ProjectProvisioning provisioning, ILogger<InitializeFromEnvironment> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (settings.Init is not { } init) return;
        await provisioning.EnsureProjectAsync(init.OrgId, init.OrgName, init.ProjectId, init.ProjectName, ct);
        if (init.PublicKey is not null)
            await provisioning.IssueKeyAsync(init.ProjectId, init.PublicKey, init.SecretKey, "LANGFUSE_INIT", ct);
        log.LogInformation("Initialized organization {OrgId} and project {ProjectId}", init.OrgId, init.ProjectId);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
