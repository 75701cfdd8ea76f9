using Langfuse.Features.AuditLog;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Errors;
using Marten;
using Wolverine.Marten;

namespace Langfuse.Features.Projects;

/// <summary>Creating, renaming and deleting projects, for the web app and the administration API alike.</summary>
public sealed class ProjectAdmin(IDocumentSession session, IMartenOutbox outbox, ApiKeys keys, ProjectLiveness liveness)
{
    public const int MinNameLength = 3;
    public const int MaxNameLength = 60;

    public async Task<IReadOnlyList<Project>> ListAsync(string organizationId, CancellationToken ct) =>
        (await session.Query<Project>().Where(p => p.OrganizationId == organizationId && p.DeletedAt == null).OrderBy(p => p.Name).ToListAsync(ct)).ToList();

    public async Task<Project> CreateAsync(Actor actor, string organizationId, string name, Dictionary<string, object?>? metadata, int? retentionDays, CancellationToken ct)
    {
        name = name.Trim();
        if (await session.LoadAsync<Organization>(organizationId, ct) is null) throw new ApiProblem(404, $"Organization {organizationId} not found");
        await RequireUniqueNameAsync(organizationId, name, null, ct);
        var now = DateTimeOffset.UtcNow;
        var project = new Project
        {
            Id = "p" + Guid.NewGuid().ToString("N")[..24], OrganizationId = organizationId, Name = name, Metadata = metadata ?? new(),
            RetentionDays = retentionDays is 0 ? null : retentionDays, CreatedAt = now, UpdatedAt = now,
        };
        session.Insert(project);
        session.Record(actor, organizationId, project.Id, "project", project.Id, "create", after: new { project.Name, project.RetentionDays });
        await session.SaveChangesAsync(ct);
        return project;
    }

    /// <summary>Renames a project; metadata and retention change only when given (the administration API's PUT).</summary>
    public async Task<Project> UpdateAsync(Actor actor, Project project, string name, Dictionary<string, object?>? metadata, int? retentionDays, CancellationToken ct)
    {
        name = name.Trim();
        await RequireUniqueNameAsync(project.OrganizationId, name, project.Id, ct);
        var before = new { project.Name, project.RetentionDays };
        project.Name = name;
        if (metadata is not null) project.Metadata = metadata;
        if (retentionDays is not null) project.RetentionDays = retentionDays is 0 ? null : retentionDays;
        project.UpdatedAt = DateTimeOffset.UtcNow;
        session.Store(project);
        session.Record(actor, project.OrganizationId, project.Id, "project", project.Id, "update", before, new { project.Name, project.RetentionDays });
        await session.SaveChangesAsync(ct);
        return project;
    }

    /// <summary>
    /// The project disappears for every caller and its keys stop working before this returns; its data (ClickHouse
    /// rows, event log, documents, cached entries) is erased by <see cref="DeleteProjectData"/>, a durable message
    /// committed in the same transaction, so a crash cannot leave the data behind.
    /// </summary>
    public async Task DeleteAsync(Actor actor, Project project, CancellationToken ct)
    {
        outbox.Enroll(session);
        project.DeletedAt = DateTimeOffset.UtcNow;
        session.Store(project);
        var deletedKeys = await ApiKeys.DeleteAllAsync(session, project.OrganizationId, project.Id, ct);
        Memberships.ForgetProject(session, project.Id);
        session.Record(actor, project.OrganizationId, project.Id, "project", project.Id, "delete", before: new { project.Name });
        await outbox.PublishAsync(new DeleteProjectData(project.Id, Sweep: 1));
        await session.SaveChangesAsync(ct);
        liveness.MarkDeleted(project.Id);
        await keys.RevokeAsync(deletedKeys);
    }

    async Task RequireUniqueNameAsync(string organizationId, string name, string? exceptId, CancellationToken ct)
    {
        if (await session.Query<Project>().AnyAsync(p => p.OrganizationId == organizationId && p.Name == name && p.DeletedAt == null && p.Id != exceptId, ct))
            throw new ApiProblem(409, $"A project named \"{name}\" already exists in this organization");
    }
}
