using System.Text.Json;
using Alba;

namespace Langfuse.Tests.Infrastructure;

/// <summary>An organization made through the web app: its owner's browser, one project, and members added by role.</summary>
public sealed class Team(IAlbaHost host, WebClient owner, string organizationId, string projectId)
{
    public WebClient Owner { get; } = owner;
    public string OrganizationId { get; } = organizationId;
    public string ProjectId { get; } = projectId;

    public static async Task<Team> CreateAsync(IAlbaHost host, bool withProject = true)
    {
        var owner = await new WebClient(host).SignUpAsync(name: "Owner");
        var (status, org) = await owner.PostAsync("/api/app/organizations", new { name = "Team " + Guid.NewGuid().ToString("N")[..6] });
        status.ShouldBe(201, org.ToString());
        var orgId = org.GetProperty("id").GetString()!;
        var projectId = "";
        if (withProject)
        {
            var (ps, project) = await owner.PostAsync($"/api/app/organizations/{orgId}/projects", new { name = "Project one" });
            ps.ShouldBe(201, project.ToString());
            projectId = project.GetProperty("id").GetString()!;
        }
        return new Team(host, owner, orgId, projectId);
    }

    /// <summary>A new user with an account, made a member with <paramref name="role"/> by the owner.</summary>
    public async Task<WebClient> AddMemberAsync(string role, string? projectRole = null)
    {
        var member = await new WebClient(host).SignUpAsync(name: role);
        var (status, body) = await Owner.PostAsync($"/api/app/organizations/{OrganizationId}/members",
            new { email = member.Email, role, projectId = projectRole is null ? null : ProjectId, projectRole });
        status.ShouldBe(201, body.ToString());
        body.GetProperty("member").ValueKind.ShouldBe(JsonValueKind.Object);
        return member;
    }

    public async Task<string> CreateProjectKeyAsync(string? projectId = null)
    {
        var (status, body) = await Owner.PostAsync($"/api/app/projects/{projectId ?? ProjectId}/api-keys", new { note = "test" });
        status.ShouldBe(201, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>A project key as the SDKs use it.</summary>
    public async Task<TestProject> CreateSdkKeyAsync(string? projectId = null)
    {
        var (status, body) = await Owner.PostAsync($"/api/app/projects/{projectId ?? ProjectId}/api-keys", new { note = "sdk" });
        status.ShouldBe(201, body.ToString());
        return new TestProject(projectId ?? ProjectId, OrganizationId, body.GetProperty("publicKey").GetString()!, body.GetProperty("secretKey").GetString()!);
    }

    /// <summary>An organization key for the administration API (Basic auth like a project key).</summary>
    public async Task<TestProject> CreateOrganizationKeyAsync()
    {
        var (status, body) = await Owner.PostAsync($"/api/app/organizations/{OrganizationId}/api-keys", new { note = "admin" });
        status.ShouldBe(201, body.ToString());
        return new TestProject("", OrganizationId, body.GetProperty("publicKey").GetString()!, body.GetProperty("secretKey").GetString()!);
    }
}
