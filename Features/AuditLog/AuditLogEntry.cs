using Marten;

namespace Langfuse.Features.AuditLog;

/// <summary>Who changed what, when: written in the same transaction as the change it records.</summary>
public sealed class AuditLogEntry
{
    public string Id { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string OrganizationId { get; set; } = "";
    public string? ProjectId { get; set; }
    /// <summary>"user" or "api-key".</summary>
    public string ActorType { get; set; } = "";
    public string ActorId { get; set; } = "";
    /// <summary>organization, project, apiKey, membership, projectMembership, invitation.</summary>
    public string ResourceType { get; set; } = "";
    public string ResourceId { get; set; } = "";
    /// <summary>create, update, delete, accept.</summary>
    public string Action { get; set; } = "";
    public string? Before { get; set; }
    public string? After { get; set; }
}

/// <summary>Who acts: a signed-in user or an organization key, with the organization role the rules see.</summary>
public sealed record Actor(string Type, string Id)
{
    public static Actor User(string userId) => new("user", userId);
    public static Actor ApiKey(string apiKeyId) => new("api-key", apiKeyId);
}

public static class AuditTrail
{
    /// <summary>Adds an entry to the session's pending changes; it is saved (or not) with them.</summary>
    public static void Record(this IDocumentSession session, Actor actor, string organizationId, string? projectId,
        string resourceType, string resourceId, string action, object? before = null, object? after = null) =>
        session.Store(new AuditLogEntry
        {
            Id = Guid.CreateVersion7().ToString(), CreatedAt = DateTimeOffset.UtcNow, OrganizationId = organizationId, ProjectId = projectId,
            ActorType = actor.Type, ActorId = actor.Id, ResourceType = resourceType, ResourceId = resourceId, Action = action,
            Before = before is null ? null : System.Text.Json.JsonSerializer.Serialize(before),
            After = after is null ? null : System.Text.Json.JsonSerializer.Serialize(after),
        });
}
