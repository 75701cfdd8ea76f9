using System.Diagnostics;
using Langfuse.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Langfuse.Tests.Projects;

[Collection(FoundationCollection.Name)]
public sealed class ApiKeyTests(AppFixture app, ITestOutputHelper output)
{
    [Fact]
    public async Task A_new_key_shows_its_secret_once_and_lists_it_masked_with_note_and_last_use()
    {
        var team = await Team.CreateAsync(app.Host);
        var (status, created) = await team.Owner.PostAsync($"/api/app/projects/{team.ProjectId}/api-keys", new { note = "ci" });
        status.ShouldBe(201);
        var secret = created.GetProperty("secretKey").GetString()!;
        secret.ShouldStartWith("sk-lf-");
        created.GetProperty("publicKey").GetString()!.ShouldStartWith("pk-lf-");
        var key = new TestProject(team.ProjectId, team.OrganizationId, created.GetProperty("publicKey").GetString()!, secret);
        (await app.Host.GetAsync(key, "/api/public/projects")).Status.ShouldBe(200);

        var (_, list) = await team.Owner.GetAsync($"/api/app/projects/{team.ProjectId}/api-keys");
        list.ToString().ShouldNotContain(secret);
        var listed = list.GetProperty("apiKeys").EnumerateArray().Single();
        listed.GetProperty("displaySecretKey").GetString().ShouldBe($"sk-lf-...{secret[^4..]}");
        listed.GetProperty("note").GetString().ShouldBe("ci");
        listed.GetProperty("lastUsedAt").GetString()!.ShouldEndWith("Z");
    }

    [Fact]
    public async Task A_deleted_key_stops_working_at_once_although_it_was_cached()
    {
        var team = await Team.CreateAsync(app.Host);
        var key = await team.CreateSdkKeyAsync();
        (await app.Host.GetAsync(key, "/api/public/projects")).Status.ShouldBe(200); // now in the auth cache
        var id = (await team.Owner.GetAsync($"/api/app/projects/{team.ProjectId}/api-keys")).Body.GetProperty("apiKeys")[0].GetProperty("id").GetString();
        (await team.Owner.DeleteAsync($"/api/app/projects/{team.ProjectId}/api-keys/{id}")).Status.ShouldBe(204);
        (await app.Host.GetAsync(key, "/api/public/projects")).Status.ShouldBe(401);
        (await app.Host.IngestAsync(key, IngestionClient.Event("trace-create", new { id = Guid.NewGuid().ToString() }))).Status.ShouldBe(401);
    }

    [Fact]
    public async Task A_deleted_key_stops_working_on_another_instance_that_had_it_cached()
    {
        var team = await Team.CreateAsync(app.Host);
        var key = await team.CreateSdkKeyAsync();
        await using var other = await app.StartInstanceAsync();
        (await other.GetAsync(key, "/api/public/projects")).Status.ShouldBe(200); // cached there for a minute
        var id = (await team.Owner.GetAsync($"/api/app/projects/{team.ProjectId}/api-keys")).Body.GetProperty("apiKeys")[0].GetProperty("id").GetString();
        var deleted = Stopwatch.StartNew();
        (await team.Owner.DeleteAsync($"/api/app/projects/{team.ProjectId}/api-keys/{id}")).Status.ShouldBe(204);
        // The announcement travels through Redis: well under a second, against the cache's minute.
        await Eventually.Async(async () => (await other.GetAsync(key, "/api/public/projects")).Status == 401, TimeSpan.FromSeconds(5),
            "the other instance still accepts the deleted key");
        Figures.Report(output, $"Deleted API key refused by another instance after {deleted.ElapsedMilliseconds} ms (its cache keeps keys for 60 s)");
    }

    [Fact]
    public async Task Keys_of_another_project_cannot_be_listed_or_deleted_through_this_one()
    {
        var team = await Team.CreateAsync(app.Host);
        var otherTeam = await Team.CreateAsync(app.Host);
        var foreignKey = await otherTeam.CreateProjectKeyAsync();
        (await team.Owner.DeleteAsync($"/api/app/projects/{team.ProjectId}/api-keys/{foreignKey}")).Status.ShouldBe(404);
        (await team.Owner.GetAsync($"/api/app/projects/{otherTeam.ProjectId}/api-keys")).Status.ShouldBe(404);
        (await otherTeam.Owner.GetAsync($"/api/app/projects/{otherTeam.ProjectId}/api-keys")).Body.GetProperty("apiKeys").GetArrayLength().ShouldBe(1);
    }
}
