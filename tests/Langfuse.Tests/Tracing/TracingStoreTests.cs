using System.Text;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Tracing;

/// <summary>
/// Rows as ClickHouse holds them: the store leaves nulls and empty arrays out of its inserts (fewer bytes to take in),
/// and a column left out must read as what was meant, on every engine.
/// </summary>
[Collection(FoundationCollection.Name)]
public sealed class TracingStoreTests(AppFixture app)
{
    sealed record Stored(string Id, byte NoEnd, byte NoInput, string? Input, byte NoStatus, string Level, ulong Usages, ulong Tags, string? Costs, string? Model);

    [Fact]
    public async Task Nulls_and_empty_arrays_left_out_of_an_insert_read_back_as_null_and_empty()
    {
        var project = "store-" + Guid.NewGuid().ToString("N")[..12];
        ObservationRow Row(string id) => new() { ProjectId = project, Id = id, TraceId = "t", StartTime = 1_700_000_000_000, FoldVersion = 1 };
        var bare = Row("bare");
        var full = Row("full") with
        {
            EndTime = 1_700_000_000_500, Input = Encoding.UTF8.GetBytes("question"), StatusMessage = "", Level = "ERROR",
            UsageKeys = ["input", "output"], UsageValues = [3, 4], CostKeys = ["total"], CostValues = [0.5], ProvidedModelName = "gpt-4o",
        };
        var clickHouse = app.Service<ClickHouseGateway>();
        await app.Service<TracingStore>().InsertAsync("observations", [bare, full], CancellationToken.None);

        var rows = (await clickHouse.QueryAsync<Stored>(Sql.Of($"""
            SELECT id, isNull(end_time) AS no_end, isNull(input) AS no_input, input, isNull(status_message) AS no_status, level,
                   length(usage_keys) AS usages, length(metadata_keys) AS tags, toString(cost_values) AS costs, provided_model_name AS model
            FROM observations WHERE project_id = {project} ORDER BY id
            """))).ToDictionary(r => r.Id);

        rows["bare"].ShouldBe(new Stored("bare", 1, 1, null, 1, "DEFAULT", 0, 0, "[]", null));
        rows["full"].ShouldBe(new Stored("full", 0, 0, "question", 0, "ERROR", 2, 0, "[0.5]", "gpt-4o"));
    }
}
