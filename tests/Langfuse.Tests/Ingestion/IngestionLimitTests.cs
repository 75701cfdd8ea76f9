using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Ingestion;

/// <summary>Limits that keep one request from costing more than it should.</summary>
[Collection(IngestionCollection.Name)]
public sealed class IngestionLimitTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_batch_of_long_ids_is_stored_whole_and_merges_later_updates_though_its_ids_exceed_a_default_statement()
    {
        // 400 ids of 800 characters: 320 KB of ids, more than ClickHouse's default 256 KiB max_query_size in one statement.
        var traceId = Guid.NewGuid().ToString();
        var prefix = traceId + new string('x', 800 - traceId.Length - 4);
        var events = Enumerable.Range(0, 400).Select(i => Event("span-create", new { id = $"{prefix}{i:D4}", traceId, name = "created" })).Prepend(Event("trace-create", new { id = traceId })).ToArray();
        var (status, body) = await app.Host.IngestAsync(_project, events);
        status.ShouldBe(207);
        body.GetProperty("errors").GetArrayLength().ShouldBe(0);
        await app.Host.TraceWhenAsync(_project, traceId, t => t.HasObservations(400));

        // The update's round must see that the span already has its create (a round asks about all its ids at once).
        (status, _) = await app.Host.IngestAsync(_project, Event("span-update", new { id = $"{prefix}0007", traceId, output = "done" }, secondsOffset: 1));
        status.ShouldBe(207);
        var trace = await app.Host.TraceWhenAsync(_project, traceId, t => t.HasObservations(400) && t.Observation($"{prefix}0007").TryGetProperty("output", out var o) && o.ValueKind == System.Text.Json.JsonValueKind.String);
        trace.Observation($"{prefix}0007").GetProperty("name").GetString().ShouldBe("created");
    }

    [Fact]
    public async Task A_score_created_through_the_api_with_an_infinite_value_is_a_400()
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text("""{"traceId":"t","name":"n","value":1e400}""").ToUrl("/api/public/scores");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithRequestHeader("Authorization", _project.BasicAuth);
            s.StatusCodeShouldBe(400);
        });
        (await result.ReadAsTextAsync()).ShouldContain("body.value");
    }

    [Fact]
    public async Task A_prompt_with_too_many_references_is_refused()
    {
        var text = string.Concat(Enumerable.Range(0, Langfuse.Features.Prompts.PromptRules.MaxReferences + 1).Select(i => $"@@@langfusePrompt:name=p{i}|label=production@@@ "));
        var (status, body) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/v2/prompts", new { name = "fan-out", type = "text", prompt = text });
        status.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain("references");
    }

    [Fact]
    public void The_built_in_model_match_cache_stays_bounded_whatever_names_clients_send()
    {
        var catalog = new Langfuse.Features.Models.ModelCatalog();
        for (var i = 0; i < Langfuse.Features.Models.ModelCatalog.MaxRemembered + 500; i++) catalog.Match($"made-up-model-{i}");
        catalog.Remembered.ShouldBeLessThanOrEqualTo(Langfuse.Features.Models.ModelCatalog.MaxRemembered);
        catalog.Match("gpt-4o").ShouldNotBeNull();
    }
}
