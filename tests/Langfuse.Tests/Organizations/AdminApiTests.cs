using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Organizations;

/// <summary>Langfuse's administration API (organization keys), per ../shared/reference/langfuse/openapi.yml.</summary>
[Collection(FoundationCollection.Name)]
public sealed class AdminApiTests(AppFixture app)
{
    [Fact]
    public async Task An_organization_key_manages_projects_and_their_keys()
    {
        var team = await Team.CreateAsync(app.Host);
        var admin = await team.CreateOrganizationKeyAsync();

        var (status, project) = await app.Host.SendAsync(admin, HttpMethod.Post, "/api/public/projects", new { name = "Made by API", metadata = new { team = "a" }, retention = 0 });
        status.ShouldBe(200);
        var projectId = project.GetProperty("id").GetString()!;
        project.GetProperty("organization").GetProperty("id").GetString().ShouldBe(team.OrganizationId);
        project.GetProperty("metadata").GetProperty("team").GetString().ShouldBe("a");
        project.TryGetProperty("retentionDays", out _).ShouldBeFalse();

        (status, project) = await app.Host.SendAsync(admin, HttpMethod.Put, $"/api/public/projects/{projectId}", new { name = "Renamed by API", retention = 7 });
        status.ShouldBe(200);
        project.GetProperty("name").GetString().ShouldBe("Renamed by API");
        project.GetProperty("retentionDays").GetInt32().ShouldBe(7);
        project.GetProperty("metadata").GetProperty("team").GetString().ShouldBe("a");

        var (_, projects) = await app.Host.GetAsync(admin, "/api/public/organizations/projects");
        var listed = projects.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        listed.ShouldBe(["Project one", "Renamed by API"], ignoreOrder: true);
        projects.GetProperty("projects")[0].GetProperty("createdAt").GetString()!.ShouldEndWith("Z");

        var (keyStatus, created) = await app.Host.SendAsync(admin, HttpMethod.Post, $"/api/public/projects/{projectId}/apiKeys",
            new { note = "predefined", publicKey = "pk-lf-" + Guid.NewGuid(), secretKey = "sk-lf-" + Guid.NewGuid() });
        keyStatus.ShouldBe(200);
        var sdk = new TestProject(projectId, team.OrganizationId, created.GetProperty("publicKey").GetString()!, created.GetProperty("secretKey").GetString()!);
        (await app.Host.GetAsync(sdk, "/api/public/projects")).Body.GetProperty("data")[0].GetProperty("id").GetString().ShouldBe(projectId);

        var (_, keys) = await app.Host.GetAsync(admin, $"/api/public/projects/{projectId}/apiKeys");
        keys.GetProperty("apiKeys").EnumerateArray().Single().GetProperty("note").GetString().ShouldBe("predefined");
        keys.ToString().ShouldNotContain(sdk.SecretKey);
        (await app.Host.SendAsync(admin, HttpMethod.Delete, $"/api/public/projects/{projectId}/apiKeys/{created.GetProperty("id").GetString()}")).Body
            .GetProperty("success").GetBoolean().ShouldBeTrue();
        (await app.Host.GetAsync(sdk, "/api/public/projects")).Status.ShouldBe(401);

        var (deleteStatus, deleted) = await app.Host.SendAsync(admin, HttpMethod.Delete, $"/api/public/projects/{projectId}");
        deleteStatus.ShouldBe(202);
        deleted.GetProperty("success").GetBoolean().ShouldBeTrue();
        (await app.Host.GetAsync(admin, "/api/public/organizations/projects")).Body.GetProperty("projects").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_second_projects_keys_from_the_api_never_reach_the_first_projects_data()
    {
        var team = await Team.CreateAsync(app.Host);
        var admin = await team.CreateOrganizationKeyAsync();
        var first = await team.CreateSdkKeyAsync();
        var (_, project) = await app.Host.SendAsync(admin, HttpMethod.Post, "/api/public/projects", new { name = "Second", retention = 0 });
        var secondId = project.GetProperty("id").GetString()!;
        var (_, key) = await app.Host.SendAsync(admin, HttpMethod.Post, $"/api/public/projects/{secondId}/apiKeys", new { });
        var second = new TestProject(secondId, team.OrganizationId, key.GetProperty("publicKey").GetString()!, key.GetProperty("secretKey").GetString()!);

        var traceId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(first, Event("trace-create", new { id = traceId, name = "first's" }));
        await app.Host.TraceWhenAsync(first, traceId, _ => true);
        (await app.Host.GetAsync(second, $"/api/public/traces/{traceId}")).Status.ShouldBe(404);
        (await app.Host.GetAsync(second, "/api/public/traces")).Body.GetProperty("data").GetArrayLength().ShouldBe(0);
        (await app.Host.SendAsync(second, HttpMethod.Delete, $"/api/public/traces/{traceId}")).Status.ShouldBe(200);
        (await app.Host.GetAsync(first, $"/api/public/traces/{traceId}")).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Keys_are_refused_where_their_scope_does_not_reach_with_Langfuses_messages()
    {
        var team = await Team.CreateAsync(app.Host);
        var admin = await team.CreateOrganizationKeyAsync();
        var sdk = await team.CreateSdkKeyAsync();

        var (status, body) = await app.Host.GetAsync(sdk, "/api/public/organizations/projects");
        status.ShouldBe(403);
        body.GetProperty("message").GetString().ShouldBe("Invalid API key. Organization-scoped API key required for this operation.");
        (await app.Host.SendAsync(sdk, HttpMethod.Post, "/api/public/projects", new { name = "Nope", retention = 0 })).Status.ShouldBe(403);

        (status, body) = await app.Host.GetAsync(admin, "/api/public/traces");
        status.ShouldBe(403);
        body.GetProperty("message").GetString().ShouldBe("Project ID not found for API token. Are you using an organization key?");
        (await app.Host.IngestAsync(admin, Event("trace-create", new { id = Guid.NewGuid().ToString() }))).Status.ShouldBe(403);
        (await app.Host.GetAsync(admin, "/api/public/projects")).Status.ShouldBe(403);

        var bearer = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/public/organizations/projects");
            s.WithRequestHeader("Authorization", "Bearer " + admin.PublicKey);
            s.IgnoreStatusCode();
        });
        bearer.Context.Response.StatusCode.ShouldBe(401);
    }

    [Fact]
    public async Task An_organization_key_sees_only_its_own_organization()
    {
        var team = await Team.CreateAsync(app.Host);
        var other = await Team.CreateAsync(app.Host);
        var admin = await team.CreateOrganizationKeyAsync();
        (await app.Host.SendAsync(admin, HttpMethod.Put, $"/api/public/projects/{other.ProjectId}", new { name = "Hijacked" })).Status.ShouldBe(404);
        (await app.Host.SendAsync(admin, HttpMethod.Delete, $"/api/public/projects/{other.ProjectId}")).Status.ShouldBe(404);
        (await app.Host.GetAsync(admin, $"/api/public/projects/{other.ProjectId}/apiKeys")).Status.ShouldBe(404);
        (await app.Host.GetAsync(admin, $"/api/public/projects/{other.ProjectId}/memberships")).Status.ShouldBe(404);
        (await other.Owner.GetAsync($"/api/app/projects/{other.ProjectId}")).Body.GetProperty("project").GetProperty("name").GetString().ShouldBe("Project one");
    }

    [Fact]
    public async Task Memberships_are_listed_upserted_and_deleted_with_the_owner_rule_kept()
    {
        var team = await Team.CreateAsync(app.Host);
        var admin = await team.CreateOrganizationKeyAsync();
        var newcomer = await new WebClient(app.Host).SignUpAsync(name: "Newcomer");

        var (status, membership) = await app.Host.SendAsync(admin, HttpMethod.Put, "/api/public/organizations/memberships", new { userId = newcomer.UserId, role = "VIEWER" });
        status.ShouldBe(200);
        membership.GetProperty("role").GetString().ShouldBe("VIEWER");
        membership.GetProperty("email").GetString().ShouldBe(newcomer.Email);
        membership.GetProperty("name").GetString().ShouldBe("Newcomer");

        var (_, list) = await app.Host.GetAsync(admin, "/api/public/organizations/memberships");
        list.GetProperty("memberships").GetArrayLength().ShouldBe(2);

        (status, membership) = await app.Host.SendAsync(admin, HttpMethod.Put, $"/api/public/projects/{team.ProjectId}/memberships", new { userId = newcomer.UserId, role = "ADMIN" });
        status.ShouldBe(200);
        membership.GetProperty("role").GetString().ShouldBe("ADMIN");
        (await newcomer.GetAsync($"/api/app/projects/{team.ProjectId}")).Body.GetProperty("role").GetString().ShouldBe("ADMIN");
        var projectMembers = (await app.Host.GetAsync(admin, $"/api/public/projects/{team.ProjectId}/memberships")).Body.GetProperty("memberships");
        projectMembers.EnumerateArray().Single(m => m.GetProperty("userId").GetString() == newcomer.UserId).GetProperty("role").GetString().ShouldBe("ADMIN");
        var (_, removed) = await app.Host.SendAsync(admin, HttpMethod.Delete, $"/api/public/projects/{team.ProjectId}/memberships", new { userId = newcomer.UserId });
        removed.GetProperty("userId").GetString().ShouldBe(newcomer.UserId);
        (await newcomer.GetAsync($"/api/app/projects/{team.ProjectId}")).Body.GetProperty("role").GetString().ShouldBe("VIEWER");

        var (ownerStatus, ownerBody) = await app.Host.SendAsync(admin, HttpMethod.Delete, "/api/public/organizations/memberships", new { userId = team.Owner.UserId });
        ownerStatus.ShouldBe(400);
        ownerBody.GetProperty("message").GetString()!.ShouldContain("at least one OWNER");
        (await app.Host.SendAsync(admin, HttpMethod.Put, "/api/public/organizations/memberships", new { userId = newcomer.UserId, role = "NONE" })).Status.ShouldBe(400);
        (await app.Host.SendAsync(admin, HttpMethod.Put, "/api/public/organizations/memberships", new { userId = "nobody", role = "ADMIN" })).Status.ShouldBe(404);
        (await app.Host.SendAsync(admin, HttpMethod.Put, $"/api/public/projects/{team.ProjectId}/memberships", new { userId = (await new WebClient(app.Host).SignUpAsync()).UserId, role = "ADMIN" })).Status.ShouldBe(400);

        var (delStatus, deleted) = await app.Host.SendAsync(admin, HttpMethod.Delete, "/api/public/organizations/memberships", new { userId = newcomer.UserId });
        delStatus.ShouldBe(200);
        deleted.GetProperty("message").GetString().ShouldNotBeNullOrEmpty();
        (await newcomer.GetAsync("/api/app/auth/session")).Body.GetProperty("organizations").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Bad_administration_requests_are_400s_naming_the_problem()
    {
        var team = await Team.CreateAsync(app.Host);
        var admin = await team.CreateOrganizationKeyAsync();
        var (status, body) = await app.Host.SendAsync(admin, HttpMethod.Post, "/api/public/projects", new { name = "Short retention", retention = 1 });
        status.ShouldBe(400);
        body.ToString().ShouldContain("retention");
        (await app.Host.SendAsync(admin, HttpMethod.Post, "/api/public/projects", new { retention = 0 })).Status.ShouldBe(400);
        (status, body) = await app.Host.SendAsync(admin, HttpMethod.Post, $"/api/public/projects/{team.ProjectId}/apiKeys", new { publicKey = "pk-lf-only" });
        status.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain("together");
        (await app.Host.SendAsync(admin, HttpMethod.Post, $"/api/public/projects/{team.ProjectId}/apiKeys", new { publicKey = "pk-x", secretKey = "sk-lf-x" })).Status.ShouldBe(400);
        var pk = "pk-lf-" + Guid.NewGuid();
        (await app.Host.SendAsync(admin, HttpMethod.Post, $"/api/public/projects/{team.ProjectId}/apiKeys", new { publicKey = pk, secretKey = "sk-lf-" + Guid.NewGuid() })).Status.ShouldBe(200);
        (await app.Host.SendAsync(admin, HttpMethod.Post, $"/api/public/projects/{team.ProjectId}/apiKeys", new { publicKey = pk, secretKey = "sk-lf-" + Guid.NewGuid() })).Status.ShouldBe(409);
    }

    [Fact]
    public async Task Organization_keys_are_listed_masked_and_deleted_through_the_web_app()
    {
        var team = await Team.CreateAsync(app.Host);
        var admin = await team.CreateOrganizationKeyAsync();
        var (_, list) = await app.Host.GetAsync(admin, "/api/public/organizations/apiKeys");
        var listed = list.GetProperty("apiKeys").EnumerateArray().Single();
        listed.GetProperty("publicKey").GetString().ShouldBe(admin.PublicKey);
        list.ToString().ShouldNotContain(admin.SecretKey);
        (await team.Owner.DeleteAsync($"/api/app/organizations/{team.OrganizationId}/api-keys/{listed.GetProperty("id").GetString()}")).Status.ShouldBe(204);
        (await app.Host.GetAsync(admin, "/api/public/organizations/apiKeys")).Status.ShouldBe(401);
    }
}
