using System.Text.Json;
using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Prompts;

[Collection(PromptsCollection.Name)]
public sealed class PromptTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    Task<(int Status, JsonElement Body)> Create(object body) => app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/v2/prompts", body);
    Task<(int Status, JsonElement Body)> Get(string name, string query = "") => app.Host.GetAsync(_project, $"/api/public/v2/prompts/{Uri.EscapeDataString(name)}{query}");
    static string Unique(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public async Task Versions_count_up_and_a_label_lives_on_one_version_at_a_time()
    {
        var name = Unique("greeting");
        var (s1, v1) = await Create(new { name, prompt = "Hello {{name}}", labels = new[] { "production" }, config = new { temperature = 0.3 }, tags = new[] { "a" }, commitMessage = "first" });
        s1.ShouldBe(201);
        v1.GetProperty("version").GetInt32().ShouldBe(1);
        v1.GetProperty("type").GetString().ShouldBe("text");
        v1.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ShouldBe(["production", "latest"], ignoreOrder: true);
        v1.GetProperty("config").GetProperty("temperature").GetDouble().ShouldBe(0.3);
        v1.GetProperty("commitMessage").GetString().ShouldBe("first");
        v1.GetProperty("createdBy").GetString().ShouldBe("API");
        v1.GetProperty("projectId").GetString().ShouldBe(_project.Id);

        var (_, v2) = await Create(new { name, prompt = "Hi {{name}}", labels = new[] { "production", "staging" } });
        v2.GetProperty("version").GetInt32().ShouldBe(2);
        v2.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["a"]); // inherited

        var (_, production) = await Get(name);
        production.GetProperty("version").GetInt32().ShouldBe(2);
        production.GetProperty("isActive").GetBoolean().ShouldBeTrue();
        var (_, first) = await Get(name, "?version=1");
        first.GetProperty("labels").EnumerateArray().ShouldBeEmpty();
        first.GetProperty("isActive").GetBoolean().ShouldBeFalse();
        first.GetProperty("prompt").GetString().ShouldBe("Hello {{name}}");
        (await Get(name, "?label=staging")).Body.GetProperty("version").GetInt32().ShouldBe(2);
        (await Get(name, "?label=latest")).Body.GetProperty("version").GetInt32().ShouldBe(2);

        var (both, bothBody) = await Get(name, "?label=staging&version=1");
        both.ShouldBe(400);
        bothBody.GetProperty("message").GetString()!.ShouldContain("both");
        var (missing, missingBody) = await Get(name, "?label=nope");
        missing.ShouldBe(404);
        missingBody.GetProperty("message").GetString().ShouldBe($"Prompt not found: '{name}' with label 'nope'");
        missingBody.GetProperty("error").GetString().ShouldBe("LangfuseNotFoundError");
    }

    [Fact]
    public async Task Chat_prompts_keep_messages_and_placeholders_and_their_type()
    {
        var name = Unique("chat");
        var messages = new object[] { new { role = "system", content = "You are {{persona}}" }, new { type = "placeholder", name = "history" }, new { role = "user", content = "{{question}}" } };
        (await Create(new { name, type = "chat", prompt = messages, labels = new[] { "production" } })).Status.ShouldBe(201);
        var (_, read) = await Get(name);
        read.GetProperty("type").GetString().ShouldBe("chat");
        var prompt = read.GetProperty("prompt");
        prompt.GetArrayLength().ShouldBe(3);
        prompt[1].GetProperty("type").GetString().ShouldBe("placeholder");
        prompt[1].GetProperty("name").GetString().ShouldBe("history");
        prompt[2].GetProperty("content").GetString().ShouldBe("{{question}}");

        var (typeChange, body) = await Create(new { name, prompt = "now text" });
        typeChange.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain("different prompt type");
    }

    [Theory]
    [InlineData("{\"name\":\"\",\"prompt\":\"x\"}", "name")]
    [InlineData("{\"name\":\"a|b\",\"prompt\":\"x\"}", "name")]
    [InlineData("{\"name\":\"ok\",\"prompt\":[{\"role\":\"user\"}],\"type\":\"chat\"}", "content")]
    [InlineData("{\"name\":\"ok\",\"prompt\":\"x\",\"type\":\"chat\"}", "chat prompts need a list")]
    [InlineData("{\"name\":\"ok\",\"prompt\":42}", "text prompts need a string")]
    [InlineData("{\"name\":\"ok\",\"prompt\":\"x\",\"labels\":[\"Not Valid\"]}", "labels")]
    [InlineData("{\"name\":\"ok\",\"prompt\":\"x\",\"type\":\"image\"}", "type")]
    [InlineData("{\"name\":\"ok\",\"type\":\"chat\",\"prompt\":[{\"role\":\"user\",\"content\":\"{{h}}\"},{\"type\":\"placeholder\",\"name\":\"h\"}]}", "share names")]
    [InlineData("[1,2]", "JSON object")]
    public async Task Invalid_prompts_are_400_naming_the_problem(string json, string expected)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(json).ToUrl("/api/public/v2/prompts");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("Authorization", _project.BasicAuth);
            s.StatusCodeShouldBe(400);
        });
        (await result.ReadAsTextAsync()).ShouldContain(expected);
    }

    [Fact]
    public async Task Names_with_folders_and_spaces_work_when_url_encoded()
    {
        var name = $"folder/sub folder/{Unique("my prompt")}";
        (await Create(new { name, prompt = "in a folder", labels = new[] { "production" } })).Status.ShouldBe(201);
        var (status, body) = await Get(name);
        status.ShouldBe(200);
        body.GetProperty("name").GetString().ShouldBe(name);
        (await app.Host.SendAsync(_project, HttpMethod.Patch, $"/api/public/v2/prompts/{Uri.EscapeDataString(name)}/versions/1", new { newLabels = new[] { "staging" } })).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Patch_moves_labels_but_never_latest()
    {
        var name = Unique("patch");
        await Create(new { name, prompt = "one", labels = new[] { "production" } });
        await Create(new { name, prompt = "two" });
        var (status, patched) = await app.Host.SendAsync(_project, HttpMethod.Patch, $"/api/public/v2/prompts/{name}/versions/2", new { newLabels = new[] { "production", "beta" } });
        status.ShouldBe(200);
        patched.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ShouldBe(["production", "beta", "latest"], ignoreOrder: true);
        (await Get(name, "?version=1")).Body.GetProperty("labels").EnumerateArray().ShouldBeEmpty();
        (await Get(name)).Body.GetProperty("version").GetInt32().ShouldBe(2);

        (await app.Host.SendAsync(_project, HttpMethod.Patch, $"/api/public/v2/prompts/{name}/versions/1", new { newLabels = new[] { "latest" } })).Status.ShouldBe(400);
        (await app.Host.SendAsync(_project, HttpMethod.Patch, $"/api/public/v2/prompts/{name}/versions/9", new { newLabels = new[] { "x" } })).Status.ShouldBe(404);
    }

    [Fact]
    public async Task References_are_resolved_and_cycles_and_missing_targets_refused()
    {
        var leaf = Unique("leaf");
        var middle = Unique("middle");
        var top = Unique("top");
        await Create(new { name = leaf, prompt = "LEAF-V1", labels = new[] { "production" } });
        await Create(new { name = leaf, prompt = "LEAF-V2" });
        await Create(new { name = middle, prompt = $"[mid @@@langfusePrompt:name={leaf}|version=2@@@]", labels = new[] { "production" } });
        var (status, _) = await Create(new { name = top, prompt = $"top @@@langfusePrompt:name={middle}|label=production@@@ and @@@langfusePrompt:name={leaf}|label=production@@@", labels = new[] { "production" } });
        status.ShouldBe(201);

        var (_, resolved) = await Get(top);
        resolved.GetProperty("prompt").GetString().ShouldBe("top [mid LEAF-V2] and LEAF-V1");
        resolved.GetProperty("resolutionGraph").GetProperty("root").GetProperty("name").GetString().ShouldBe(top);
        var (_, raw) = await Get(top, "?resolve=false");
        raw.GetProperty("prompt").GetString()!.ShouldContain("@@@langfusePrompt:name=");
        raw.GetProperty("resolutionGraph").ValueKind.ShouldBe(JsonValueKind.Null);

        var (missing, missingBody) = await Create(new { name = Unique("broken"), prompt = "@@@langfusePrompt:name=does-not-exist|label=production@@@" });
        missing.ShouldBe(400);
        missingBody.GetProperty("message").GetString()!.ShouldContain("not found");

        // A cycle: a new version of the leaf that points back at the top.
        var (cycle, cycleBody) = await Create(new { name = leaf, prompt = $"@@@langfusePrompt:name={top}|label=production@@@", labels = new[] { "production" } });
        cycle.ShouldBe(400);
        cycleBody.GetProperty("message").GetString()!.ShouldContain("Circular");
        (await Get(top)).Body.GetProperty("prompt").GetString().ShouldBe("top [mid LEAF-V2] and LEAF-V1");
    }

    [Fact]
    public async Task A_read_after_a_write_sees_the_write_including_through_a_reference()
    {
        var child = Unique("child");
        var parent = Unique("parent");
        await Create(new { name = child, prompt = "old child", labels = new[] { "production" } });
        await Create(new { name = parent, prompt = $"parent with @@@langfusePrompt:name={child}|label=production@@@", labels = new[] { "production" } });
        (await Get(parent)).Body.GetProperty("prompt").GetString().ShouldBe("parent with old child"); // now cached
        (await Get(child)).Body.GetProperty("prompt").GetString().ShouldBe("old child");

        await Create(new { name = child, prompt = "new child", labels = new[] { "production" } });
        (await Get(child)).Body.GetProperty("prompt").GetString().ShouldBe("new child");
        (await Get(parent)).Body.GetProperty("prompt").GetString().ShouldBe("parent with new child");

        await app.Host.SendAsync(_project, HttpMethod.Patch, $"/api/public/v2/prompts/{child}/versions/1", new { newLabels = new[] { "production" } });
        (await Get(parent)).Body.GetProperty("prompt").GetString().ShouldBe("parent with old child");
    }

    [Fact]
    public async Task Delete_removes_versions_and_is_refused_while_others_depend_on_them()
    {
        var target = Unique("target");
        var user = Unique("user");
        await Create(new { name = target, prompt = "v1", labels = new[] { "production" } });
        await Create(new { name = target, prompt = "v2" });
        await Create(new { name = user, prompt = $"uses @@@langfusePrompt:name={target}|version=1@@@" });

        var (refused, body) = await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/v2/prompts/{target}");
        refused.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain("depend");

        (await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/v2/prompts/{target}?version=2")).Status.ShouldBe(204);
        var (_, v1) = await Get(target, "?version=1");
        v1.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ShouldContain("latest");
        (await Get(target, "?version=2")).Status.ShouldBe(404);

        (await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/v2/prompts/{user}")).Status.ShouldBe(204);
        (await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/v2/prompts/{target}")).Status.ShouldBe(204);
        (await Get(target, "?version=1")).Status.ShouldBe(404);
        (await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/v2/prompts/{target}")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task The_list_filters_and_pages_names()
    {
        var prefix = Guid.NewGuid().ToString("N")[..6];
        await Create(new { name = $"{prefix}-a", prompt = "a1", tags = new[] { "red" }, labels = new[] { "production" }, config = new { k = 1 } });
        await Create(new { name = $"{prefix}-a", prompt = "a2", config = new { k = 2 } });
        await Create(new { name = $"{prefix}-b", prompt = "b1", tags = new[] { "blue" } });
        await Create(new { name = $"{prefix}-c", prompt = "c1", tags = new[] { "red" }, labels = new[] { "staging" } });

        var (_, byName) = await app.Host.GetAsync(_project, $"/api/public/v2/prompts?name={prefix}-a");
        var a = byName.GetProperty("data").EnumerateArray().Single();
        a.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()).ShouldBe([1, 2]);
        a.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ShouldBe(["latest", "production"]);
        a.GetProperty("tags").EnumerateArray().Select(l => l.GetString()).ShouldBe(["red"]);
        a.GetProperty("lastConfig").GetProperty("k").GetInt32().ShouldBe(2);
        a.GetProperty("lastUpdatedAt").GetString().ShouldNotBeNullOrEmpty();

        var (_, red) = await app.Host.GetAsync(_project, "/api/public/v2/prompts?tag=red&limit=100");
        red.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Where(n => n!.StartsWith(prefix)).ShouldBe([$"{prefix}-a", $"{prefix}-c"]);
        var (_, staging) = await app.Host.GetAsync(_project, "/api/public/v2/prompts?label=staging&limit=100");
        staging.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ShouldContain($"{prefix}-c");

        var (_, page) = await app.Host.GetAsync(_project, "/api/public/v2/prompts?limit=1&page=2");
        page.GetProperty("data").GetArrayLength().ShouldBe(1);
        page.GetProperty("meta").GetProperty("limit").GetInt32().ShouldBe(1);
        page.GetProperty("pagination").GetProperty("page").GetInt32().ShouldBe(2);
        (await app.Host.GetAsync(_project, "/api/public/v2/prompts?limit=101")).Status.ShouldBe(400);
        (await app.Host.GetAsync(_project, "/api/public/v2/prompts?page=0")).Status.ShouldBe(400);
        var (_, defaults) = await app.Host.GetAsync(_project, "/api/public/v2/prompts");
        defaults.GetProperty("meta").GetProperty("limit").GetInt32().ShouldBe(10);
    }

    [Fact]
    public async Task Concurrent_writers_get_distinct_consecutive_versions_and_one_holder_per_label()
    {
        var name = Unique("race");
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Create(new { name, prompt = $"p{i}", labels = new[] { "production" } })));
        results.ShouldAllBe(r => r.Status == 201);
        results.Select(r => r.Body.GetProperty("version").GetInt32()).Order().ShouldBe(Enumerable.Range(1, 12));

        var holders = 0;
        var latest = 0;
        for (var v = 1; v <= 12; v++)
        {
            var labels = (await Get(name, $"?version={v}")).Body.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList();
            if (labels.Contains("production")) holders++;
            if (labels.Contains("latest")) latest++;
        }
        holders.ShouldBe(1);
        latest.ShouldBe(1);
        (await Get(name, "?label=latest")).Body.GetProperty("version").GetInt32().ShouldBe(12);
    }

    [Fact]
    public async Task Prompts_are_private_to_their_project_and_need_basic_auth()
    {
        var name = Unique("private");
        await Create(new { name, prompt = "mine", labels = new[] { "production" } });
        var other = await app.CreateProjectAsync();
        (await app.Host.GetAsync(other, $"/api/public/v2/prompts/{name}")).Status.ShouldBe(404);
        (await app.Host.SendAsync(other, HttpMethod.Post, "/api/public/v2/prompts", new { name, prompt = "theirs" })).Body.GetProperty("version").GetInt32().ShouldBe(1);
        (await Get(name)).Body.GetProperty("prompt").GetString().ShouldBe("mine");

        await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/public/v2/prompts/{name}");
            s.WithRequestHeader("Authorization", "Bearer " + _project.PublicKey);
            s.StatusCodeShouldBe(403);
        });
    }

    [Fact]
    public async Task The_legacy_v1_endpoints_create_and_read_with_isActive()
    {
        var name = Unique("legacy");
        var (status, created) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/prompts", new { name, prompt = "legacy {{x}}", isActive = true });
        status.ShouldBe(201);
        created.GetProperty("isActive").GetBoolean().ShouldBeTrue();
        var (_, read) = await app.Host.GetAsync(_project, $"/api/public/prompts?name={name}");
        read.GetProperty("prompt").GetString().ShouldBe("legacy {{x}}");
        read.GetProperty("isActive").GetBoolean().ShouldBeTrue();
        (await app.Host.GetAsync(_project, $"/api/public/prompts?name={name}&version=1")).Status.ShouldBe(200);
    }
}
