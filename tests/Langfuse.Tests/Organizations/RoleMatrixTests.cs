using System.Text;
using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Organizations;

/// <summary>
/// Every role against every feature endpoint's action, compared cell by cell with the documented table
/// (docs/identity.md). Each cell acts in a fresh organization, so destructive actions never see another cell's effects.
/// </summary>
[Collection(FoundationCollection.Name)]
public sealed class RoleMatrixTests(AppFixture app, Xunit.Abstractions.ITestOutputHelper output)
{
    static readonly string[] Roles = ["OWNER", "ADMIN", "MEMBER", "VIEWER", "NONE"];

    /// <summary>The documented table: the lowest organization role allowed each action.</summary>
    static readonly (string Action, string Minimum)[] Table =
    [
        ("rename organization", "ADMIN"),
        ("delete organization", "OWNER"),
        ("create project", "ADMIN"),
        ("list members", "MEMBER"),
        ("invite member", "ADMIN"),
        ("change member role", "ADMIN"),
        ("remove member", "ADMIN"),
        ("revoke invitation", "ADMIN"),
        ("list organization keys", "OWNER"),
        ("create organization key", "OWNER"),
        ("delete organization key", "OWNER"),
        ("read audit log", "ADMIN"),
        ("open project", "VIEWER"),
        ("rename project", "ADMIN"),
        ("delete project", "OWNER"),
        ("list project keys", "ADMIN"),
        ("create project key", "ADMIN"),
        ("delete project key", "ADMIN"),
        ("list project members", "MEMBER"),
        ("set project role", "ADMIN"),
        ("list traces", "VIEWER"),
        ("annotate trace", "MEMBER"),
        ("delete trace", "ADMIN"),
    ];

    static int Rank(string role) => Array.IndexOf(Roles.Reverse().ToArray(), role);

    async Task<int> ActAsync(string action, Team team, WebClient actor)
    {
        var org = $"/api/app/organizations/{team.OrganizationId}";
        var project = $"/api/app/projects/{team.ProjectId}";
        switch (action)
        {
            case "rename organization": return (await actor.PatchAsync(org, new { name = "Renamed" })).Status;
            case "delete organization": return (await actor.DeleteAsync(org)).Status; // its team has no project
            case "create project": return (await actor.PostAsync($"{org}/projects", new { name = "Another project" })).Status;
            case "list members": return (await actor.GetAsync($"{org}/members")).Status;
            case "invite member": return (await actor.PostAsync($"{org}/members", new { email = WebClient.NewEmail(), role = "VIEWER" })).Status;
            case "change member role":
            {
                var target = await team.AddMemberAsync("VIEWER");
                return (await actor.PutAsync($"{org}/members/{target.UserId}", new { role = "MEMBER" })).Status;
            }
            case "remove member":
            {
                var target = await team.AddMemberAsync("VIEWER");
                return (await actor.DeleteAsync($"{org}/members/{target.UserId}")).Status;
            }
            case "revoke invitation":
            {
                var (_, invited) = await team.Owner.PostAsync($"{org}/members", new { email = WebClient.NewEmail(), role = "VIEWER" });
                return (await actor.DeleteAsync($"{org}/invitations/{invited.GetProperty("invitation").GetProperty("id").GetString()}")).Status;
            }
            case "list organization keys": return (await actor.GetAsync($"{org}/api-keys")).Status;
            case "create organization key": return (await actor.PostAsync($"{org}/api-keys", new { note = "x" })).Status;
            case "delete organization key":
            {
                var (_, key) = await team.Owner.PostAsync($"{org}/api-keys", new { note = "x" });
                return (await actor.DeleteAsync($"{org}/api-keys/{key.GetProperty("id").GetString()}")).Status;
            }
            case "read audit log": return (await actor.GetAsync($"{org}/audit-logs")).Status;
            case "open project": return (await actor.GetAsync(project)).Status;
            case "rename project": return (await actor.PatchAsync(project, new { name = "Renamed project" })).Status;
            case "delete project": return (await actor.DeleteAsync(project)).Status;
            case "list project keys": return (await actor.GetAsync($"{project}/api-keys")).Status;
            case "create project key": return (await actor.PostAsync($"{project}/api-keys", new { note = "x" })).Status;
            case "delete project key": return (await actor.DeleteAsync($"{project}/api-keys/{await team.CreateProjectKeyAsync()}")).Status;
            case "list project members": return (await actor.GetAsync($"{project}/members")).Status;
            case "set project role":
            {
                var target = await team.AddMemberAsync("VIEWER");
                return (await actor.PutAsync($"{project}/members/{target.UserId}", new { role = "MEMBER" })).Status;
            }
            case "list traces": return (await actor.GetAsync($"{project}/traces")).Status;
            case "annotate trace": return (await actor.PostAsync($"{project}/traces/{Guid.NewGuid()}/scores", new { name = "quality", value = 1 })).Status;
            case "delete trace": return (await actor.DeleteAsync($"{project}/traces/{Guid.NewGuid()}")).Status;
            default: throw new ArgumentException(action);
        }
    }

    [Fact]
    public async Task Every_role_can_do_exactly_what_the_documented_table_allows()
    {
        var differences = new List<string>();
        var report = new StringBuilder($"{"action",-26}" + string.Concat(Roles.Select(r => $"{r,8}")) + "\n");
        foreach (var (action, minimum) in Table)
        {
            report.Append($"{action,-26}");
            foreach (var role in Roles)
            {
                var team = await Team.CreateAsync(app.Host, withProject: action != "delete organization");
                var actor = role == "OWNER" ? team.Owner : await team.AddMemberAsync(role);
                var status = await ActAsync(action, team, actor);
                var allowed = Rank(role) >= Rank(minimum);
                // Denied: 403 for a member whose role is too low; 404 where the role gives no access to the project at all.
                var projectAction = action.Contains("project") && action != "create project" || action.Contains("trace");
                var expected = allowed ? "2xx" : role == "NONE" && projectAction ? "404" : "403";
                var actual = status is >= 200 and < 300 ? "2xx" : status.ToString();
                report.Append($"{(allowed ? "yes" : "no") + (actual == expected ? "" : "!"),8}");
                if (actual != expected) differences.Add($"{role} / {action}: expected {expected}, got {status}");
            }
            report.Append('\n');
        }
        Figures.Report(output, "Role matrix (web app feature endpoints; \"!\" marks a cell that differs):\n" + report);
        differences.ShouldBeEmpty();
    }

    [Fact]
    public async Task Someone_outside_the_organization_finds_nothing_by_id()
    {
        var team = await Team.CreateAsync(app.Host);
        var stranger = await new WebClient(app.Host).SignUpAsync();
        foreach (var (action, _) in Table.Where(t => t.Action is not ("delete organization")))
        {
            var status = await ActAsync(action, team, stranger);
            status.ShouldBe(404, $"{action} by a stranger");
        }
        (await team.Owner.GetAsync($"/api/app/projects/{team.ProjectId}")).Body.GetProperty("project").GetProperty("name").GetString().ShouldBe("Project one");
    }
}
