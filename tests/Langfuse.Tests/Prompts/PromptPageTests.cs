using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Prompts;

/// <summary>The web app's prompt page (/api/app/projects/{id}/prompts/{name}), which an observation's prompt link opens.</summary>
[Collection(PromptsCollection.Name)]
public sealed class PromptPageTests(AppFixture app) : IAsyncLifetime
{
    Team _team = null!;
    TestProject _key = null!;
    readonly string _name = $"folder/support-{Guid.NewGuid():N}"[..30];

    public async Task InitializeAsync()
    {
        _team = await Team.CreateAsync(app.Host);
        _key = await _team.CreateSdkKeyAsync();
        (await app.Host.SendAsync(_key, HttpMethod.Post, "/api/public/v2/prompts", new
        {
            name = _name, type = "chat", prompt = new[] { new { role = "system", content = "You help with {{topic}}" } },
            config = new { temperature = 0.1 }, tags = new[] { "support" }, commitMessage = "first",
        })).Status.ShouldBe(201);
        (await app.Host.SendAsync(_key, HttpMethod.Post, "/api/public/v2/prompts", new
        {
            name = _name, type = "chat", prompt = new[] { new { role = "system", content = "You answer {{topic}} questions" } }, labels = new[] { "production" },
        })).Status.ShouldBe(201);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    string Page(string name) => $"/api/app/projects/{_team.ProjectId}/prompts/{Uri.EscapeDataString(name)}";

    [Fact]
    public async Task A_viewer_sees_every_version_newest_first_with_content_labels_and_config()
    {
        var viewer = await _team.AddMemberAsync("VIEWER");
        var (status, body) = await viewer.GetAsync(Page(_name));
        status.ShouldBe(200);
        body.GetProperty("name").GetString().ShouldBe(_name);
        body.GetProperty("type").GetString().ShouldBe("chat");
        body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["support"]);
        var versions = body.GetProperty("versions").EnumerateArray().ToList();
        versions.Select(v => v.GetProperty("version").GetInt32()).ShouldBe([2, 1]);
        versions[0].GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ShouldBe(["production", "latest"], ignoreOrder: true);
        versions[0].GetProperty("prompt")[0].GetProperty("content").GetString().ShouldBe("You answer {{topic}} questions");
        versions[1].GetProperty("config").GetProperty("temperature").GetDouble().ShouldBe(0.1);
        versions[1].GetProperty("commitMessage").GetString().ShouldBe("first");
        versions[1].GetProperty("labels").EnumerateArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unknown_name_is_404_and_another_projects_prompt_is_not_visible()
    {
        var (status, body) = await _team.Owner.GetAsync(Page("no-such-prompt"));
        status.ShouldBe(404);
        body.GetProperty("message").GetString().ShouldBe("Prompt not found: 'no-such-prompt'");

        var other = await Team.CreateAsync(app.Host);
        (await other.Owner.GetAsync(Page(_name))).Status.ShouldBe(404); // not a member of this project
        (await other.Owner.GetAsync($"/api/app/projects/{other.ProjectId}/prompts/{Uri.EscapeDataString(_name)}")).Status.ShouldBe(404);
    }
}
