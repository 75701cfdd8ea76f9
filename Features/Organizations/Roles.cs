namespace Langfuse.Features.Organizations;

/// <summary>Langfuse's roles, in order of power. Stored as numbers; written as OWNER, ADMIN, MEMBER, VIEWER, NONE.</summary>
public enum Role { None = 0, Viewer = 1, Member = 2, Admin = 3, Owner = 4 }

/// <summary>What a caller may want to do. Organization permissions are checked against the organization role;
/// project permissions against the effective project role (the project role if one is set, else the organization role).</summary>
public enum Permission
{
    OrganizationRead, OrganizationUpdate, OrganizationDelete, ProjectCreate,
    MembersRead, MembersManage, OrganizationKeysRead, OrganizationKeysManage, AuditLogRead,
    ProjectRead, ProjectUpdate, ProjectDelete, ProjectKeysRead, ProjectKeysManage, ProjectMembersRead, ProjectMembersManage,
    TracesDelete, ScoresWrite,
}

/// <summary>
/// The role table (docs/identity.md prints it; a test checks every cell through the endpoints). Beyond it, rules the
/// membership handlers enforce: only an OWNER grants, changes or removes the OWNER role; nobody changes their own role;
/// an organization always keeps at least one OWNER.
/// </summary>
public static class RoleTable
{
    static readonly Dictionary<Permission, Role> Minimum = new()
    {
        // Any membership, NONE included: a NONE member with a project role must still see the organization it is in.
        [Permission.OrganizationRead] = Role.None,
        [Permission.OrganizationUpdate] = Role.Admin,
        [Permission.OrganizationDelete] = Role.Owner,
        [Permission.ProjectCreate] = Role.Admin,
        [Permission.MembersRead] = Role.Member,
        [Permission.MembersManage] = Role.Admin,
        // Owner only: an organization key acts with an owner's power on the administration API, so an ADMIN who could
        // mint one could make themselves OWNER through it.
        [Permission.OrganizationKeysRead] = Role.Owner,
        [Permission.OrganizationKeysManage] = Role.Owner,
        [Permission.AuditLogRead] = Role.Admin,
        [Permission.ProjectRead] = Role.Viewer,
        [Permission.ProjectUpdate] = Role.Admin,
        // Owner only: deleting a project erases all of its data and cannot be undone.
        [Permission.ProjectDelete] = Role.Owner,
        [Permission.ProjectKeysRead] = Role.Admin,
        [Permission.ProjectKeysManage] = Role.Admin,
        [Permission.ProjectMembersRead] = Role.Member,
        [Permission.ProjectMembersManage] = Role.Admin,
        [Permission.TracesDelete] = Role.Admin,
        // Annotating is the MEMBER's everyday work; VIEWERs only look.
        [Permission.ScoresWrite] = Role.Member,
    };

    public static Role MinimumRole(Permission permission) => Minimum[permission];

    public static bool Allows(Role role, Permission permission) => role >= Minimum[permission];

    public static string Text(this Role role) => role.ToString().ToUpperInvariant();

    /// <summary>Exactly OWNER, ADMIN, MEMBER, VIEWER or NONE, as Langfuse writes them.</summary>
    public static bool TryParse(string? text, out Role role)
    {
        role = Role.None;
        if (text is null) return false;
        foreach (var r in Enum.GetValues<Role>())
            if (r.Text() == text) { role = r; return true; }
        return false;
    }
}
