namespace Langfuse.Features.Organizations;

// Tenancy and membership documents: global (not project-scoped), owned by this slice.

public sealed class Organization
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A user's role in an organization. The id is "{organizationId}/{userId}": one membership per pair by construction.</summary>
public sealed class OrganizationMembership
{
    public string Id { get; set; } = "";
    public string OrganizationId { get; set; } = "";
    public string UserId { get; set; } = "";
    public Role Role { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public static string IdOf(string organizationId, string userId) => organizationId + "/" + userId;
}

/// <summary>A project role that overrides the organization role in one project. Id "{projectId}/{userId}".</summary>
public sealed class ProjectMembership
{
    public string Id { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string OrganizationId { get; set; } = "";
    public string UserId { get; set; } = "";
    public Role Role { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public static string IdOf(string projectId, string userId) => projectId + "/" + userId;
}

/// <summary>
/// An invitation of an email address that has no account yet (or is not yet a member). Accepted when a user with that
/// email signs up or signs in, or through its link. The id is random and unguessable: the link carries it.
/// </summary>
public sealed class Invitation
{
    public string Id { get; set; } = "";
    public string OrganizationId { get; set; } = "";
    public string Email { get; set; } = "";
    public Role Role { get; set; }
    public string? ProjectId { get; set; }
    public Role? ProjectRole { get; set; }
    public string InvitedByUserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
}
