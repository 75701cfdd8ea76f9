using Langfuse.Infrastructure.Caching;
using Marten;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Langfuse.Features.Projects;

/// <summary>Erase everything a deleted project left. Sweep 2 runs a minute after sweep 1, for events that were in flight.</summary>
public sealed record DeleteProjectData(string ProjectId, int Sweep);

/// <summary>Implemented by each slice that keeps project data outside Marten's project-scoped documents (ClickHouse, Redis).</summary>
public interface IProjectDataOwner
{
    Task EraseProjectAsync(string projectId, CancellationToken ct);
}

/// <summary>
/// Whether events for a project should still be stored: the ingestion worker drops those of deleted projects (events
/// accepted just before the deletion and still queued). Live answers are remembered for a few seconds, deleted ones
/// for good.
/// </summary>
public sealed class ProjectLiveness(IDocumentStore store)
{
    static readonly TimeSpan LiveFor = TimeSpan.FromSeconds(5);
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (bool Live, DateTime Until)> _known = new();

    public async ValueTask<bool> IsLiveAsync(string projectId, CancellationToken ct)
    {
        if (_known.TryGetValue(projectId, out var known) && (!known.Live || known.Until > DateTime.UtcNow)) return known.Live;
        bool live;
        try
        {
            await using var session = store.QuerySession();
            live = await session.LoadAsync<Project>(projectId, ct) is { DeletedAt: null };
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // Ingestion must not stop when Postgres does: store the events; the erasure's second sweep removes
            // those of a project deleted meanwhile.
            return true;
        }
        _known.SetBounded(projectId, (live, DateTime.UtcNow + LiveFor), 100_000);
        return live;
    }

    public void MarkDeleted(string projectId) => _known.SetBounded(projectId, (false, DateTime.MaxValue), 100_000);
}

/// <summary>Wolverine handler (durable local queue): retried until the erasure is complete.</summary>
public static class DeleteProjectDataHandler
{
    public static void Configure(HandlerChain chain) =>
        chain.OnAnyException().ScheduleRetryIndefinitely(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));

    public static async Task Handle(DeleteProjectData message, IEnumerable<IProjectDataOwner> owners, IDocumentStore store, IMessageBus bus, CancellationToken ct)
    {
        foreach (var owner in owners) await owner.EraseProjectAsync(message.ProjectId, ct);
        // Prompts, datasets, models…: every document stored under the project's tenant.
        await store.Advanced.DeleteAllTenantDataAsync(message.ProjectId, ct);
        if (message.Sweep == 1)
        {
            await bus.ScheduleAsync(message with { Sweep = 2 }, TimeSpan.FromMinutes(1));
            return;
        }
        await using var session = store.LightweightSession();
        session.Delete<Project>(message.ProjectId);
        await session.SaveChangesAsync(ct);
    }
}
