using System.Text.Json.Nodes;
using Langfuse.Features.Models;
using Langfuse.Features.Ingestion.Pricing;

namespace Langfuse.UnitTests.Ingestion.Pricing;

/// <summary>Usage and cost of an observation as Langfuse computes them: provided figures first, else tokenized and priced.</summary>
public sealed class UsageCalculatorTests
{
    static readonly UsageCalculator Calculator = new(new ModelCatalog(), new TokenCounter());

    static JsonObject State(object state) => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(state))!.AsObject();

    [Fact]
    public void Provided_usage_is_priced_with_the_built_in_model_and_totals_add_up()
    {
        var usage = Calculator.Calculate(State(new { usage = new { input = 1000, output = 100 } }), "gpt-4o", "DEFAULT", []);
        usage.UsageDetails.ShouldBe(new Dictionary<string, long> { ["input"] = 1000, ["output"] = 100, ["total"] = 1100 });
        usage.Model.ShouldNotBeNull();
        usage.CostDetails["input"].ShouldBe(usage.Model!.Prices["input"] * 1000);
        usage.TotalCost.ShouldBe(usage.CostDetails["input"] + usage.CostDetails["output"]);
    }

    [Fact]
    public void Without_provided_usage_input_and_output_are_tokenized()
    {
        var usage = Calculator.Calculate(State(new { input = "Hello world", output = "Hi" }), "gpt-4o", "DEFAULT", []);
        usage.UsageDetails["input"].ShouldBeGreaterThan(0);
        usage.UsageDetails["total"].ShouldBe(usage.UsageDetails["input"] + usage.UsageDetails["output"]);
    }

    [Fact]
    public void Provided_cost_wins_over_prices_and_an_unknown_model_costs_nothing()
    {
        var provided = Calculator.Calculate(State(new { usage = new { input = 10, output = 5 }, costDetails = new { input = 0.5, output = 0.25 } }), "gpt-4o", "DEFAULT", []);
        provided.TotalCost.ShouldBe(0.75m);
        var unknown = Calculator.Calculate(State(new { usage = new { input = 10 } }), "no-such-model", "DEFAULT", []);
        unknown.TotalCost.ShouldBeNull();
        unknown.UsageDetails["input"].ShouldBe(10);
    }

    [Fact]
    public void A_project_model_is_matched_before_the_built_in_one()
    {
        var own = new ModelPrice("own", "gpt-4o", "(?i)^gpt-4o$", null, new() { ["input"] = 1m });
        Calculator.Calculate(State(new { usage = new { input = 3 } }), "gpt-4o", "DEFAULT", [own]).TotalCost.ShouldBe(3m);
    }

    [Theory]
    [InlineData("""{"promptTokens": 7, "completionTokens": 3}""", 7, 3, 10)]
    [InlineData("""{"input": 7, "output": 3, "total": 12}""", 7, 3, 12)]
    [InlineData("""{"input": -1, "output": 2.5}""", null, null, null)]
    public void Provided_usage_reads_Langfuse_and_OpenAI_shapes_and_drops_what_is_not_a_count(string json, int? input, int? output, int? total)
    {
        var usage = UsageCalculator.ProvidedUsage(JsonNode.Parse(json)!.AsObject(), null);
        usage.GetValueOrDefault("input", -1).ShouldBe(input ?? -1);
        usage.GetValueOrDefault("output", -1).ShouldBe(output ?? -1);
        usage.GetValueOrDefault("total", -1).ShouldBe(total ?? -1);
    }

    [Fact]
    public void OpenAI_usage_details_split_cached_tokens_out_of_the_input()
    {
        var details = JsonNode.Parse("""{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120, "prompt_tokens_details": {"cached_tokens": 30}}""")!.AsObject();
        var usage = UsageCalculator.ProvidedUsage(null, details);
        usage["input"].ShouldBe(70);
        usage["input_cached_tokens"].ShouldBe(30);
        usage["output"].ShouldBe(20);
        usage["total"].ShouldBe(120);
    }
}
