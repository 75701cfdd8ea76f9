using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>Deleting erases: once the background job is done, no table ClickHouse keeps holds the deleted content.</summary>
[Collection(ReadsCollection.Name)]
public sealed class DeletionErasureTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    sealed record Count(ulong N);

    /// <summary>Rows of any version, in every table, whose text holds the marker (the event log's raw bodies included).</summary>
    async Task<ulong> RowsHolding(string marker)
    {
        var gateway = app.Service<ClickHouseGateway>();
        var p = _project.Id;
        var counts = new[]
        {
            Sql.Of($"SELECT count() AS n FROM traces WHERE project_id = {p} AND (position(ifNull(input, ''), {marker}) > 0 OR position(ifNull(output, ''), {marker}) > 0 OR has(metadata_values, {marker}))"),
            Sql.Of($"SELECT count() AS n FROM observations WHERE project_id = {p} AND (position(ifNull(input, ''), {marker}) > 0 OR position(ifNull(output, ''), {marker}) > 0 OR has(metadata_values, {marker}))"),
            Sql.Of($"SELECT count() AS n FROM scores WHERE project_id = {p} AND (position(ifNull(comment, ''), {marker}) > 0 OR has(metadata_values, {marker}))"),
            Sql.Of($"SELECT count() AS n FROM ingestion_events WHERE project_id = {p} AND position(body, {marker}) > 0"),
        };
        ulong total = 0;
        foreach (var sql in counts) total += (await gateway.QueryAsync<Count>(sql)).Single().N;
        return total;
    }

    [Fact]
    public async Task A_deleted_traces_input_output_and_metadata_are_gone_from_every_table()
    {
        var marker = "secret-" + Guid.NewGuid().ToString("N");
        var id = Guid.NewGuid().ToString();
        var keep = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id, input = marker, metadata = new { k = marker } }),
            Event("trace-create", new { id, output = marker }, 1),
            Event("span-create", new { id = id + "-s", traceId = id, input = marker, output = marker }),
            Event("score-create", new { id = id + "-score", traceId = id, name = "s", value = 1, comment = marker }),
            Event("trace-create", new { id = keep, input = "kept " + marker }));
        await app.Host.TraceWhenAsync(_project, id, t => t.HasObservations(1) && t.HasScores(1) && t.GetProperty("output").ValueKind == System.Text.Json.JsonValueKind.String);
        (await RowsHolding(marker)).ShouldBeGreaterThan(5UL);

        (await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/traces/{id}")).Status.ShouldBe(200);

        // Only the kept trace's row and event still hold the marker.
        await Eventually.Async(async () => await RowsHolding(marker) == 2, TimeSpan.FromSeconds(60),
            $"deleted content is still stored: {await RowsHolding(marker)} rows hold it");
        (await app.Host.GetAsync(_project, $"/api/public/traces/{keep}")).Body.GetProperty("input").GetString().ShouldBe("kept " + marker);
        (await app.Host.GetAsync(_project, $"/api/public/traces/{id}")).Status.ShouldBe(404);
    }

    [Fact]
    public async Task A_deleted_scores_comment_and_metadata_are_gone_from_every_table()
    {
        var marker = "secret-" + Guid.NewGuid().ToString("N");
        var traceId = Guid.NewGuid().ToString();
        var scoreId = Guid.NewGuid().ToString();
        await app.Host.IngestAsync(_project,
            Event("trace-create", new { id = traceId }),
            Event("score-create", new { id = scoreId, traceId, name = "s", value = 1, comment = marker, metadata = new { k = marker } }));
        await app.Host.GetWhenAsync(_project, $"/api/public/v2/scores/{scoreId}", _ => true);

        (await app.Host.SendAsync(_project, HttpMethod.Delete, $"/api/public/scores/{scoreId}")).Status.ShouldBe(202);
        (await app.Host.GetAsync(_project, $"/api/public/v2/scores/{scoreId}")).Status.ShouldBe(404);
        await Eventually.Async(async () => await RowsHolding(marker) == 0, TimeSpan.FromSeconds(60),
            $"deleted score content is still stored: {await RowsHolding(marker)} rows hold it");
    }
}
