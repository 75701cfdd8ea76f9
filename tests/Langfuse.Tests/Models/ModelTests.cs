using System.Text.Json;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Models;

[Collection(IngestionCollection.Name)]
public sealed class ModelTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    async Task<JsonElement> Generation(string model, object usage)
    {
        var id = Guid.NewGuid().ToString();
        (await app.Host.IngestAsync(_project, Event("generation-create", new { id, traceId = id, model, usage }))).Status.ShouldBe(207);
        return await app.Host.GetWhenAsync(_project, $"/api/public/observations/{id}", _ => true);
    }

    [Fact]
    public async Task A_project_model_prices_its_generations_and_wins_over_the_built_in_table()
    {
        var (status, custom) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/models",
            new { modelName = "my-own-llm", matchPattern = "(?i)^my-own-llm$", inputPrice = 0.001, outputPrice = 0.002, unit = "TOKENS" });
        status.ShouldBe(200);
        custom.GetProperty("isLangfuseManaged").GetBoolean().ShouldBeFalse();
        custom.GetProperty("prices").GetProperty("input").GetProperty("price").GetDouble().ShouldBe(0.001);

        var (_, overriding) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/models", new
        {
            modelName = "gpt-4o-mini", matchPattern = "(?i)^(openai/)?gpt-4o-mini$",
            pricingTiers = new[] { new { name = "Standard", isDefault = true, priority = 0, conditions = Array.Empty<object>(), prices = new Dictionary<string, double> { ["input"] = 1, ["output"] = 1 } } },
        });

        var own = await Generation("my-own-llm", new { input = 10, output = 5 });
        own.GetProperty("modelId").GetString().ShouldBe(custom.GetProperty("id").GetString());
        own.GetProperty("calculatedTotalCost").GetDouble().ShouldBe(0.02, 1e-12);
        own.GetProperty("inputPrice").GetDouble().ShouldBe(0.001);

        var overridden = await Generation("gpt-4o-mini", new { input = 10, output = 5 });
        overridden.GetProperty("modelId").GetString().ShouldBe(overriding.GetProperty("id").GetString());
        overridden.GetProperty("calculatedTotalCost").GetDouble().ShouldBe(15);

        var other = await app.CreateProjectAsync();
        var elsewhere = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(other, Event("generation-create", new { id = elsewhere, traceId = elsewhere, model = "gpt-4o-mini", usage = new { input = 10, output = 5 } }));
        var builtIn = await app.Host.GetWhenAsync(other, $"/api/public/observations/{elsewhere}", _ => true);
        builtIn.GetProperty("modelId").GetString().ShouldBe("builtin-gpt-4o-mini");
    }

    [Fact]
    public async Task Models_are_listed_read_and_deleted_and_built_ins_cannot_be_deleted()
    {
        var (_, created) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/models",
            new { modelName = "to-delete", matchPattern = "^to-delete$", totalPrice = 0.5 });
        var id = created.GetProperty("id").GetString()!;

        var (_, list) = await app.Host.GetAsync(_project, "/api/public/models?limit=100");
        var names = list.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("modelName").GetString()).ToList();
        names[0].ShouldBe("to-delete");
        names.ShouldContain("gpt-4o");
        names.ShouldContain("claude-3-5-sonnet");
        list.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(names.Count);

        (await app.Host.GetAsync(_project, $"/api/public/models/{id}")).Body.GetProperty("totalPrice").GetDouble().ShouldBe(0.5);
        (await app.Host.GetAsync(_project, "/api/public/models/builtin-gpt-4o")).Body.GetProperty("isLangfuseManaged").GetBoolean().ShouldBeTrue();
        (await app.Host.SendAsync(_project, HttpMethod.Delete, "/api/public/models/builtin-gpt-4o")).Status.ShouldBe(404);

        var other = await app.CreateProjectAsync();
        (await app.Host.GetAsync(other, $"/api/public/models/{id}")).Status.ShouldBe(404);
        (await app.Host.SendAsync(other, HttpMethod.Delete, $"/api/public/models/{id}")).Status.ShouldBe(404);

        var (deleted, body) = await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/models/{id}");
        deleted.ShouldBe(200);
        body.GetProperty("message").GetString().ShouldBe("Model successfully deleted");
        (await app.Host.GetAsync(_project, $"/api/public/models/{id}")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task A_pattern_that_backtracks_and_an_absurd_price_are_refused_when_written()
    {
        var (redos, redosBody) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/models", new { modelName = "x", matchPattern = "^(a+)+$" });
        redos.ShouldBe(400);
        redosBody.GetProperty("error")[0].GetProperty("message").GetString()!.ShouldContain("too long to match");

        var (price, priceBody) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/models", new { modelName = "x", matchPattern = "x", inputPrice = 1e20 });
        price.ShouldBe(400);
        priceBody.GetProperty("error")[0].GetProperty("message").GetString()!.ShouldContain("prices must be between");
    }

    [Fact]
    public async Task Invalid_model_definitions_are_400_naming_the_field()
    {
        var (status, body) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/models", new { modelName = "x", matchPattern = "([unclosed" });
        status.ShouldBe(400);
        body.GetProperty("message").GetString().ShouldBe("Invalid request data");
        body.GetProperty("error")[0].GetProperty("path")[0].GetString().ShouldBe("matchPattern");

        var (both, bothBody) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/models", new { modelName = "x", matchPattern = "x", inputPrice = 1, totalPrice = 2 });
        both.ShouldBe(400);
        bothBody.GetProperty("error")[0].GetProperty("message").GetString()!.ShouldContain("totalPrice");
    }
}
