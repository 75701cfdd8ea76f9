using Langfuse.Features.Organizations;
using Langfuse.Tests.Infrastructure;
using Marten;

namespace Langfuse.Tests.Organizations;

[Collection(FoundationCollection.Name)]
public sealed class MembershipTests(AppFixture app)
{
    [Fact]
    public async Task Inviting_someone_with_an_account_makes_them_a_member_at_once()
    {
        var team = await Team.CreateAsync(app.Host);
        var member = await team.AddMemberAsync("MEMBER");
        var (_, session) = await member.GetAsync("/api/app/auth/session");
        var org = session.GetProperty("organizations").EnumerateArray().Single();
        org.GetProperty("id").GetString().ShouldBe(team.OrganizationId);
        org.GetProperty("role").GetString().ShouldBe("MEMBER");
        org.GetProperty("projects")[0].GetProperty("role").GetString().ShouldBe("MEMBER");
    }

    [Fact]
    public async Task An_invitation_is_shown_to_admins_with_a_link_and_accepted_when_its_email_signs_up()
    {
        var team = await Team.CreateAsync(app.Host);
        var email = WebClient.NewEmail();
        var (status, invited) = await team.Owner.PostAsync($"/api/app/organizations/{team.OrganizationId}/members", new { email, role = "VIEWER", projectId = team.ProjectId, projectRole = "ADMIN" });
        status.ShouldBe(201);
        var invitation = invited.GetProperty("invitation");
        invitation.GetProperty("link").GetString()!.ShouldEndWith("/auth/invitation/" + invitation.GetProperty("id").GetString());

        var (_, list) = await team.Owner.GetAsync($"/api/app/organizations/{team.OrganizationId}/members");
        list.GetProperty("invitations").EnumerateArray().Single().GetProperty("email").GetString().ShouldBe(email);
        var member = await team.AddMemberAsync("MEMBER");
        (await member.GetAsync($"/api/app/organizations/{team.OrganizationId}/members")).Body.GetProperty("invitations").GetArrayLength().ShouldBe(0);

        var newcomer = await new WebClient(app.Host).SignUpAsync(email);
        var org = (await newcomer.GetAsync("/api/app/auth/session")).Body.GetProperty("organizations").EnumerateArray().Single();
        org.GetProperty("role").GetString().ShouldBe("VIEWER");
        org.GetProperty("projects")[0].GetProperty("role").GetString().ShouldBe("ADMIN");
        (await team.Owner.GetAsync($"/api/app/organizations/{team.OrganizationId}/members")).Body.GetProperty("invitations").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Unknown_expired_and_misaddressed_invitation_links_are_refused()
    {
        var team = await Team.CreateAsync(app.Host);
        var someone = await new WebClient(app.Host).SignUpAsync();
        (await someone.PostAsync("/api/app/invitations/does-not-exist/accept")).Status.ShouldBe(404);

        var (_, invited) = await team.Owner.PostAsync($"/api/app/organizations/{team.OrganizationId}/members", new { email = WebClient.NewEmail(), role = "ADMIN" });
        var id = invited.GetProperty("invitation").GetProperty("id").GetString()!;
        (await someone.PostAsync($"/api/app/invitations/{id}/accept")).Status.ShouldBe(403);

        await using (var session = app.Service<IDocumentStore>().LightweightSession())
        {
            var invitation = await session.LoadAsync<Invitation>(id);
            invitation!.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            session.Store(invitation);
            await session.SaveChangesAsync();
        }
        var (status, body) = await someone.PostAsync($"/api/app/invitations/{id}/accept");
        status.ShouldBe(410);
        body.GetProperty("message").GetString()!.ShouldContain("expired");
        (await someone.GetAsync("/api/app/auth/session")).Body.GetProperty("organizations").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_revoked_invitation_grants_nothing()
    {
        var team = await Team.CreateAsync(app.Host);
        var email = WebClient.NewEmail();
        var (_, invited) = await team.Owner.PostAsync($"/api/app/organizations/{team.OrganizationId}/members", new { email, role = "ADMIN" });
        (await team.Owner.DeleteAsync($"/api/app/organizations/{team.OrganizationId}/invitations/{invited.GetProperty("invitation").GetProperty("id").GetString()}")).Status.ShouldBe(204);
        var newcomer = await new WebClient(app.Host).SignUpAsync(email);
        (await newcomer.GetAsync("/api/app/auth/session")).Body.GetProperty("organizations").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Inviting_a_member_twice_is_a_conflict()
    {
        var team = await Team.CreateAsync(app.Host);
        var member = await team.AddMemberAsync("VIEWER");
        (await team.Owner.PostAsync($"/api/app/organizations/{team.OrganizationId}/members", new { email = member.Email, role = "ADMIN" })).Status.ShouldBe(409);
    }

    [Fact]
    public async Task Nobody_changes_their_own_role_and_only_an_owner_grants_owner()
    {
        var team = await Team.CreateAsync(app.Host);
        var org = $"/api/app/organizations/{team.OrganizationId}";
        var member = await team.AddMemberAsync("MEMBER");
        var admin = await team.AddMemberAsync("ADMIN");

        (await member.PutAsync($"{org}/members/{member.UserId}", new { role = "ADMIN" })).Status.ShouldBe(403);
        var (status, body) = await admin.PutAsync($"{org}/members/{admin.UserId}", new { role = "OWNER" });
        status.ShouldBe(403);
        body.GetProperty("message").GetString()!.ShouldContain("own role");
        (status, body) = await admin.PutAsync($"{org}/members/{member.UserId}", new { role = "OWNER" });
        status.ShouldBe(403);
        body.GetProperty("message").GetString()!.ShouldContain("Only an OWNER");
        (await admin.DeleteAsync($"{org}/members/{team.Owner.UserId}")).Status.ShouldBe(403);
        (await admin.PostAsync($"{org}/members", new { email = WebClient.NewEmail(), role = "OWNER" })).Status.ShouldBe(403);

        var roles = (await team.Owner.GetAsync($"{org}/members")).Body.GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("userId").GetString()!, m => m.GetProperty("role").GetString());
        roles[member.UserId!].ShouldBe("MEMBER");
        roles[admin.UserId!].ShouldBe("ADMIN");
        roles[team.Owner.UserId!].ShouldBe("OWNER");
        (await team.Owner.PutAsync($"{org}/members/{member.UserId}", new { role = "BOSS" })).Status.ShouldBe(400);
    }

    [Fact]
    public async Task The_last_owner_can_neither_leave_nor_be_demoted()
    {
        var team = await Team.CreateAsync(app.Host);
        var org = $"/api/app/organizations/{team.OrganizationId}";
        var (status, body) = await team.Owner.DeleteAsync($"{org}/members/{team.Owner.UserId}");
        status.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain("at least one OWNER");

        var second = await team.AddMemberAsync("OWNER");
        (await second.PutAsync($"{org}/members/{team.Owner.UserId}", new { role = "ADMIN" })).Status.ShouldBe(200);
        (await second.DeleteAsync($"{org}/members/{second.UserId}")).Status.ShouldBe(400);
        (await team.Owner.GetAsync($"{org}/members")).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Two_owners_demoting_each_other_at_once_leave_one_owner()
    {
        var team = await Team.CreateAsync(app.Host);
        var org = $"/api/app/organizations/{team.OrganizationId}";
        var second = await team.AddMemberAsync("OWNER");
        var results = await Task.WhenAll(
            team.Owner.PutAsync($"{org}/members/{second.UserId}", new { role = "MEMBER" }),
            second.PutAsync($"{org}/members/{team.Owner.UserId}", new { role = "MEMBER" }));
        results.Count(r => r.Status == 200).ShouldBeLessThanOrEqualTo(1);
        await using var session = app.Service<IDocumentStore>().QuerySession();
        (await session.Query<OrganizationMembership>().CountAsync(m => m.OrganizationId == team.OrganizationId && m.Role == Role.Owner)).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_project_role_overrides_the_organization_role_in_that_project()
    {
        var team = await Team.CreateAsync(app.Host);
        var viewerWithProjectAdmin = await team.AddMemberAsync("VIEWER", projectRole: "ADMIN");
        var adminWithoutProject = await team.AddMemberAsync("ADMIN", projectRole: "NONE");
        (await viewerWithProjectAdmin.GetAsync($"/api/app/projects/{team.ProjectId}/api-keys")).Status.ShouldBe(200);
        (await viewerWithProjectAdmin.PatchAsync($"/api/app/organizations/{team.OrganizationId}", new { name = "No" })).Status.ShouldBe(403);
        (await adminWithoutProject.GetAsync($"/api/app/projects/{team.ProjectId}")).Status.ShouldBe(404);
        var org = (await adminWithoutProject.GetAsync("/api/app/auth/session")).Body.GetProperty("organizations")[0];
        org.GetProperty("projects").GetArrayLength().ShouldBe(0);

        (await team.Owner.DeleteAsync($"/api/app/projects/{team.ProjectId}/members/{adminWithoutProject.UserId}")).Status.ShouldBe(204);
        (await adminWithoutProject.GetAsync($"/api/app/projects/{team.ProjectId}")).Body.GetProperty("role").GetString().ShouldBe("ADMIN");
    }

    [Fact]
    public async Task Removing_a_member_takes_their_access_away()
    {
        var team = await Team.CreateAsync(app.Host);
        var member = await team.AddMemberAsync("MEMBER", projectRole: "ADMIN");
        (await team.Owner.DeleteAsync($"/api/app/organizations/{team.OrganizationId}/members/{member.UserId}")).Status.ShouldBe(204);
        (await member.GetAsync($"/api/app/projects/{team.ProjectId}")).Status.ShouldBe(404);
        (await member.GetAsync("/api/app/auth/session")).Body.GetProperty("organizations").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_member_may_leave()
    {
        var team = await Team.CreateAsync(app.Host);
        var viewer = await team.AddMemberAsync("VIEWER");
        (await viewer.DeleteAsync($"/api/app/organizations/{team.OrganizationId}/members/{viewer.UserId}")).Status.ShouldBe(204);
        (await viewer.GetAsync("/api/app/auth/session")).Body.GetProperty("organizations").GetArrayLength().ShouldBe(0);
    }
}
