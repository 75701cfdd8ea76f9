namespace Langfuse.Features.Organizations;

/// <summary>A member as the web app lists them; projectRole only where a project role overrides the organization role.</summary>
public sealed record MemberItem(string UserId, string Email, string Name, string Role, string? ProjectRole)
{
    public static MemberItem Of(MemberView m) => new(m.UserId, m.Email, m.Name, m.Role.Text(), m.ProjectRole?.Text());
}

public sealed record InvitationItem(string Id, string Email, string Role, string? ProjectId, string? ProjectRole, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string Link)
{
    public static InvitationItem Of(InvitationView i) => new(i.Id, i.Email, i.Role.Text(), i.ProjectId, i.ProjectRole?.Text(), i.CreatedAt, i.ExpiresAt, i.Link);
}

public sealed record OrganizationItem(string Id, string Name, DateTimeOffset CreatedAt)
{
    public static OrganizationItem Of(Organization o) => new(o.Id, o.Name, o.CreatedAt);
}

public static class RoleRules
{
    public const string OrganizationRoles = "role must be one of OWNER, ADMIN, MEMBER, VIEWER, NONE";
    public static bool IsRole(string? text) => RoleTable.TryParse(text, out _);
    public static Role Parse(string text) => RoleTable.TryParse(text, out var role) ? role : throw new ArgumentException(OrganizationRoles);
}
