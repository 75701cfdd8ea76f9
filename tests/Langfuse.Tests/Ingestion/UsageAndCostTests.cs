using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Ingestion;

[Collection(IngestionCollection.Name)]
public sealed class UsageAndCostTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    async Task<System.Text.Json.JsonElement> Generation(object body, params (string Type, object Body, double At)[] more)
    {
        var id = (string)body.GetType().GetProperty("id")!.GetValue(body)!;
        var events = new[] { Event("generation-create", body) }.Concat(more.Select(m => Event(m.Type, m.Body, m.At))).ToArray();
        var (status, response) = await app.Host.IngestAsync(_project, events);
        status.ShouldBe(207);
        response.GetProperty("errors").GetArrayLength().ShouldBe(0);
        return await app.Host.GetWhenAsync(_project, $"/api/public/observations/{id}", _ => true);
    }

    [Fact]
    public async Task Cost_is_calculated_from_the_built_in_price_of_a_matched_model()
    {
        var id = Guid.NewGuid().ToString();
        var g = await Generation(new { id, traceId = id, model = "gpt-4o-mini", usage = new { input = 150, output = 75 } });
        g.GetProperty("modelId").GetString().ShouldBe("builtin-gpt-4o-mini");
        g.GetProperty("usageDetails").GetProperty("total").GetInt64().ShouldBe(225);
        g.GetProperty("costDetails").GetProperty("input").GetDouble().ShouldBe(2.25e-5, 1e-12);
        g.GetProperty("costDetails").GetProperty("output").GetDouble().ShouldBe(4.5e-5, 1e-12);
        g.GetProperty("calculatedTotalCost").GetDouble().ShouldBe(6.75e-5, 1e-12);
        g.GetProperty("inputPrice").GetDouble().ShouldBe(1.5e-7, 1e-15);
    }

    [Fact]
    public async Task Usage_sent_in_a_later_update_is_priced_as_in_Langfuses_example()
    {
        var id = Guid.NewGuid().ToString();
        var g = await Generation(new { id, traceId = id, model = "gpt-4o-mini", usage = (object?)null },
            ("generation-update", new { id, traceId = id, model = "gpt-4o-mini", output = "x", usage = new { input = 1295, output = 18, total = 1313, unit = "TOKENS" } }, 1));
        g = await app.Host.GetWhenAsync(_project, $"/api/public/observations/{id}", o => o.GetProperty("output").ValueKind == System.Text.Json.JsonValueKind.String);
        g.GetProperty("usageDetails").GetProperty("total").GetInt64().ShouldBe(1313);
        g.GetProperty("costDetails").GetProperty("input").GetDouble().ShouldBe(0.00019425, 1e-12);
        g.GetProperty("costDetails").GetProperty("output").GetDouble().ShouldBe(0.0000108, 1e-12);
        g.GetProperty("calculatedTotalCost").GetDouble().ShouldBe(0.00020505, 1e-12);
    }

    [Fact]
    public async Task Provided_costs_win_over_calculated_ones()
    {
        var id = Guid.NewGuid().ToString();
        var g = await Generation(new { id, traceId = id, model = "gpt-4o", usage = new { input = 10, output = 10 }, costDetails = new { input = 1.0, output = 2.0 } });
        g.GetProperty("costDetails").GetProperty("total").GetDouble().ShouldBe(3.0);
        g.GetProperty("calculatedTotalCost").GetDouble().ShouldBe(3.0);
        g.GetProperty("providedCostDetails").GetProperty("input").GetDouble().ShouldBe(1.0);
    }

    [Fact]
    public async Task OpenAI_usage_details_subtract_cached_tokens_and_price_them_separately()
    {
        var id = Guid.NewGuid().ToString();
        var g = await Generation(new
        {
            id, traceId = id, model = "gpt-4o",
            usageDetails = new { prompt_tokens = 1000, completion_tokens = 100, total_tokens = 1100, prompt_tokens_details = new { cached_tokens = 400 }, completion_tokens_details = new { reasoning_tokens = 30 } },
        });
        var usage = g.GetProperty("usageDetails");
        usage.GetProperty("input").GetInt64().ShouldBe(600);
        usage.GetProperty("input_cached_tokens").GetInt64().ShouldBe(400);
        usage.GetProperty("output").GetInt64().ShouldBe(70);
        usage.GetProperty("output_reasoning_tokens").GetInt64().ShouldBe(30);
        usage.GetProperty("total").GetInt64().ShouldBe(1100);
        // 600 × 2.5e-6 + 400 × 1.25e-6 + 70 × 1e-5
        g.GetProperty("calculatedTotalCost").GetDouble().ShouldBe(0.0015 + 0.0005 + 0.0007, 1e-12);
    }

    [Fact]
    public async Task A_known_OpenAI_model_without_usage_is_tokenised_locally()
    {
        var id = Guid.NewGuid().ToString();
        var g = await Generation(new
        {
            id, traceId = id, model = "gpt-4o",
            input = new[] { new { role = "user", content = "What is the capital of France?" } },
            output = "The capital of France is Paris.",
        });
        var usage = g.GetProperty("usageDetails");
        usage.GetProperty("input").GetInt64().ShouldBeGreaterThan(7);   // 7 content tokens + message framing
        usage.GetProperty("output").GetInt64().ShouldBe(7);              // o200k: "The capital of France is Paris."
        usage.GetProperty("total").GetInt64().ShouldBe(usage.GetProperty("input").GetInt64() + 7);
        g.GetProperty("calculatedTotalCost").GetDouble().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task An_unknown_model_keeps_its_usage_and_has_no_cost()
    {
        var id = Guid.NewGuid().ToString();
        var g = await Generation(new { id, traceId = id, model = "my-own-llm", usageDetails = new { input = 5, output = 6, custom = 2, fractional = 1.5, negative = -3 } });
        var usage = g.GetProperty("usageDetails");
        usage.GetProperty("custom").GetInt64().ShouldBe(2);
        usage.TryGetProperty("fractional", out _).ShouldBeFalse();
        usage.TryGetProperty("negative", out _).ShouldBeFalse();
        usage.GetProperty("total").GetInt64().ShouldBe(13);
        g.GetProperty("modelId").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        g.GetProperty("calculatedTotalCost").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task The_trace_total_cost_sums_its_observations()
    {
        var traceId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = traceId }),
            Event("generation-create", new { id = traceId + "-1", traceId, model = "gpt-4o-mini", usage = new { input = 150, output = 75 } }),
            Event("generation-create", new { id = traceId + "-2", traceId, costDetails = new { total = 0.5 } }));
        var trace = await app.Host.TraceWhenAsync(_project, traceId, t => t.HasObservations(2));
        trace.GetProperty("totalCost").GetDouble().ShouldBe(0.5 + 6.75e-5, 1e-12);
    }
}
