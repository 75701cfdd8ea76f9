using Langfuse.Features.Organizations;

namespace Langfuse.UnitTests.Organizations;

/// <summary>Pure logic of the role table (no stores); the endpoints' behaviour is RoleMatrixTests'.</summary>
public sealed class RoleTableTests
{
    [Fact]
    public void Roles_are_written_and_read_exactly_as_Langfuse_spells_them()
    {
        foreach (var role in Enum.GetValues<Role>())
        {
            RoleTable.TryParse(role.Text(), out var parsed).ShouldBeTrue();
            parsed.ShouldBe(role);
        }
        Role.Owner.Text().ShouldBe("OWNER");
        RoleTable.TryParse("owner", out _).ShouldBeFalse();
        RoleTable.TryParse("Owner", out _).ShouldBeFalse();
        RoleTable.TryParse("4", out _).ShouldBeFalse();
        RoleTable.TryParse(null, out _).ShouldBeFalse();
    }

    [Fact]
    public void A_higher_role_may_do_everything_a_lower_one_may()
    {
        var ordered = new[] { Role.None, Role.Viewer, Role.Member, Role.Admin, Role.Owner };
        foreach (var permission in Enum.GetValues<Permission>())
            for (var i = 1; i < ordered.Length; i++)
                if (RoleTable.Allows(ordered[i - 1], permission)) RoleTable.Allows(ordered[i], permission).ShouldBeTrue($"{ordered[i]} / {permission}");
    }

    [Fact]
    public void Keys_that_act_as_an_owner_are_for_owners_only_and_nothing_but_reading_an_organization_is_open_to_NONE()
    {
        RoleTable.MinimumRole(Permission.OrganizationKeysManage).ShouldBe(Role.Owner);
        RoleTable.MinimumRole(Permission.ProjectDelete).ShouldBe(Role.Owner);
        Enum.GetValues<Permission>().Where(p => RoleTable.Allows(Role.None, p)).ShouldBe([Permission.OrganizationRead]);
    }
}
