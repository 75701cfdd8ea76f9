using Langfuse.Features.Tracing.Filtering;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.UnitTests.Tracing.Filtering;

/// <summary>Langfuse's filter JSON becomes SQL with every value escaped, or a 400 naming what is wrong.</summary>
public sealed class JsonFilterTests
{
    static readonly JsonFilterSchema Traces = JsonFilterSchema.Traces("project-1");

    static string Sql(string json) => JsonFilter.Parse(json, Traces).Text;

    [Fact]
    public void String_number_time_and_tag_conditions_become_sql_over_the_trace_columns()
    {
        Sql("""[{"column":"name","type":"string","operator":"=","value":"chat"}]""").ShouldContain("ifNull(name, '') = 'chat'");
        Sql("""[{"column":"timestamp","type":"datetime","operator":">=","value":"2026-01-01T00:00:00Z"}]""").ShouldContain("timestamp >= 1767225600000");
        Sql("""[{"column":"tags","type":"arrayOptions","operator":"all of","value":["a","b"]}]""").ShouldContain("tags");
    }

    [Fact]
    public void Values_are_escaped_so_input_cannot_change_the_query()
    {
        var sql = Sql("""[{"column":"name","type":"string","operator":"=","value":"x' OR 1=1 --"}]""");
        sql.ShouldContain(@"'x\' OR 1=1 --'");
    }

    [Theory]
    [InlineData("""{"column":"name"}""", "filter: must be a JSON array")]
    [InlineData("""[{"column":"nope","type":"string","operator":"=","value":"x"}]""", "column 'nope'")]
    [InlineData("""[{"column":"name","type":"string"}]""", "operator is required")]
    [InlineData("""[{"column":"latency","type":"number","operator":">","value":"fast"}]""", "latency")]
    public void A_malformed_filter_is_a_400_naming_the_problem(string json, string named)
    {
        var problem = Should.Throw<ApiProblem>(() => Sql(json));
        problem.Status.ShouldBe(400);
        problem.Message.ShouldContain(named);
    }
}
