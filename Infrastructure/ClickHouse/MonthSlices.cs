namespace Langfuse.Infrastructure.ClickHouse;

/// <summary>
/// Reads all of one project's rows of a table partitioned by month: a month partition at a time, and a large month in
/// slices of about a million rows by a hash of a column. Each read stays short, and a slice reads only its own month
/// (slicing the whole table by hash would read all of it once per slice).
/// </summary>
public static class MonthSlices
{
    sealed record MonthRows(uint Month, ulong N);

    /// <param name="month">The table's partition key expression (the same rows in the server's time zone as its partitions).</param>
    /// <param name="columns">What to select from each slice, with any DISTINCT.</param>
    /// <param name="hashed">The column whose hash divides a large month.</param>
    public static async IAsyncEnumerable<T> ProjectRowsAsync<T>(this ClickHouseGateway clickHouse, string table, string month, string projectId, string columns, string hashed,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var (from, partition) = (Sql.Trusted(table), Sql.Trusted(month));
        var months = await clickHouse.QueryAsync<MonthRows>(Sql.Of(
            $"SELECT {partition} AS month, count() AS n FROM {from} WHERE project_id = {projectId} GROUP BY month ORDER BY month"), ct);
        foreach (var (m, rows) in months)
        {
            var slices = Math.Max(1UL, rows / 1_000_000);
            for (var slice = 0UL; slice < slices; slice++)
                await foreach (var row in clickHouse.QueryRowsAsync<T>(Sql.Of(
                    $"SELECT {Sql.Trusted(columns)} FROM {from} WHERE project_id = {projectId} AND {partition} = {m} AND cityHash64({Sql.Trusted(hashed)}) % {slices} = {slice}"), ct))
                    yield return row;
        }
    }
}
