using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.AuditLog;

[Collection(FoundationCollection.Name)]
public sealed class AuditLogTests(AppFixture app)
{
    [Fact]
    public async Task Changes_to_keys_members_roles_and_projects_are_recorded_with_who_and_when()
    {
        var team = await Team.CreateAsync(app.Host);
        var member = await team.AddMemberAsync("VIEWER");
        (await team.Owner.PutAsync($"/api/app/organizations/{team.OrganizationId}/members/{member.UserId}", new { role = "MEMBER" })).Status.ShouldBe(200);
        var keyId = await team.CreateProjectKeyAsync();
        (await team.Owner.DeleteAsync($"/api/app/projects/{team.ProjectId}/api-keys/{keyId}")).Status.ShouldBe(204);
        (await team.Owner.PatchAsync($"/api/app/projects/{team.ProjectId}", new { name = "Renamed" })).Status.ShouldBe(200);
        var admin = await team.CreateOrganizationKeyAsync();
        (await app.Host.SendAsync(admin, HttpMethod.Post, "/api/public/projects", new { name = "By key", retention = 0 })).Status.ShouldBe(200);

        var (status, log) = await team.Owner.GetAsync($"/api/app/organizations/{team.OrganizationId}/audit-logs");
        status.ShouldBe(200);
        var entries = log.GetProperty("data").EnumerateArray()
            .Select(e => (Resource: e.GetProperty("resourceType").GetString(), Action: e.GetProperty("action").GetString(), Actor: e.GetProperty("actorType").GetString(), ActorId: e.GetProperty("actorId").GetString(), e))
            .ToList();
        entries.ShouldContain(e => e.Resource == "organization" && e.Action == "create" && e.ActorId == team.Owner.UserId);
        entries.ShouldContain(e => e.Resource == "project" && e.Action == "create" && e.Actor == "user");
        entries.ShouldContain(e => e.Resource == "membership" && e.Action == "create");
        var roleChange = entries.Single(e => e.Resource == "membership" && e.Action == "update");
        roleChange.e.GetProperty("before").GetString()!.ShouldContain("VIEWER");
        roleChange.e.GetProperty("after").GetString()!.ShouldContain("MEMBER");
        entries.ShouldContain(e => e.Resource == "apiKey" && e.Action == "create");
        entries.ShouldContain(e => e.Resource == "apiKey" && e.Action == "delete");
        entries.ShouldContain(e => e.Resource == "project" && e.Action == "update");
        entries.ShouldContain(e => e.Resource == "project" && e.Action == "create" && e.Actor == "api-key");
        log.ToString().ShouldNotContain(admin.SecretKey); // secrets are never recorded
        entries.First().e.GetProperty("createdAt").GetString()!.ShouldEndWith("Z");

        var (_, viaApi) = await app.Host.GetAsync(admin, "/api/public/organizations/auditLogs?limit=2");
        viaApi.GetProperty("data").GetArrayLength().ShouldBe(2);
        viaApi.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(entries.Count);
    }

    [Fact]
    public async Task Only_owners_and_admins_read_the_audit_log()
    {
        var team = await Team.CreateAsync(app.Host);
        var admin = await team.AddMemberAsync("ADMIN");
        var member = await team.AddMemberAsync("MEMBER");
        (await admin.GetAsync($"/api/app/organizations/{team.OrganizationId}/audit-logs")).Status.ShouldBe(200);
        (await member.GetAsync($"/api/app/organizations/{team.OrganizationId}/audit-logs")).Status.ShouldBe(403);
    }
}
