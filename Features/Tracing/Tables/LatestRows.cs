using Langfuse.Infrastructure.ClickHouse;

namespace Langfuse.Features.Tracing.Tables;

/// <summary>A table of merged rows and the sort-key column in front of id, which lookups by id must name to use the index.</summary>
public sealed record EntityTable(string Name, string? KeyPrefix)
{
    public static readonly EntityTable Traces = new("traces", null);
    public static readonly EntityTable Observations = new("observations", "trace_id");
    public static readonly EntityTable Scores = new("scores", "ifNull(trace_id, '')");

    public Sql Identifier => Sql.Trusted(SqlLiteral.Identifier(Name));
}

/// <summary>
/// Pages and counts over the latest version of each entity of a project. A list must not deduplicate the whole
/// project to show one page: at a million traces that cost 0.8 s, at ten million observations 13 s.
/// </summary>
public sealed class LatestRows(ClickHouseGateway clickHouse, KeyRanges keyRanges)
{
    // Aliases here are unusual on purpose: ClickHouse aliases are visible in the whole query, lambdas in filters included.
    const long MaxCandidates = 4_000;

    sealed record Candidate(string Id, string KeyPrefix, ulong FoldVersion);

    sealed record Count(ulong C);

    sealed record Version(string Id, ulong FoldVersion);

    /// <summary>
    /// Rows of every version that pass the filter, in page order, are a cheap plain scan. Of those, the ones that are
    /// their entity's latest version (looked up by primary key) are exactly the latest rows that pass, in the same
    /// order: a latest row that passes is among them wherever a stale version of it sits. Fetch more when too many
    /// candidates were stale; deep pages fall back to FINAL. When the order leads with a time column, descending
    /// (<paramref name="newestFirst"/>), the candidates' time threshold is found on that one column first, and the
    /// wide id columns are read only above it (PREWHERE): 300 → 190 ms on ten million observations.
    /// </summary>
    public async Task<List<T>> PageAsync<T>(EntityTable table, string projectId, Sql where, Sql orderBy, long skip, int limit, CancellationToken ct, string? newestFirst = null)
        where T : IMergedRow
    {
        var needed = skip + limit;
        var key = Sql.Trusted(table.KeyPrefix ?? "''");
        for (var fetch = needed * 2 + 20; fetch <= MaxCandidates; fetch *= 4)
        {
            var threshold = newestFirst is null ? Sql.Empty : Sql.Of(
                $"PREWHERE {Sql.Trusted(newestFirst)} >= (SELECT min(page_time) FROM (SELECT {Sql.Trusted(newestFirst)} AS page_time FROM {table.Identifier} WHERE project_id = {projectId} AND {where} ORDER BY page_time DESC LIMIT {fetch}))");
            var candidates = await clickHouse.QueryAsync<Candidate>(Sql.Of(
                $"SELECT id, {key} AS key_prefix, fold_version FROM {table.Identifier} {threshold} WHERE project_id = {projectId} AND {where} ORDER BY {orderBy} LIMIT {fetch}"), ct);
            if (candidates.Count == 0) return [];
            var latest = await LatestVersionsAsync(table, projectId, candidates, ct);
            var kept = candidates.Where(c => latest.GetValueOrDefault(c.Id) == c.FoldVersion).DistinctBy(c => c.Id).ToList();
            if (kept.Count >= needed || candidates.Count < fetch) return await InOrderAsync<T>(table, projectId, kept.Skip((int)skip).Take(limit).ToList(), ct);
        }
        // FINAL over the key, version and the filter's columns only; the page's rows are then read by key.
        var page = await clickHouse.QueryAsync<Candidate>(Sql.Of(
            $"SELECT id, {key} AS key_prefix, fold_version FROM {table.Identifier} FINAL WHERE project_id = {projectId} AND {where} ORDER BY {orderBy} LIMIT {limit} OFFSET {skip}"), ct);
        return await InOrderAsync<T>(table, projectId, page, ct);
    }

    /// <summary>Each candidate's highest fold_version, reading only the key and version columns.</summary>
    async Task<Dictionary<string, ulong>> LatestVersionsAsync(EntityTable table, string projectId, List<Candidate> candidates, CancellationToken ct)
    {
        var chunks = await Task.WhenAll(Sql.Chunks(candidates.DistinctBy(c => c.Id), c => c.KeyPrefix.Length + c.Id.Length * 2 + 16).Select(chunk => clickHouse.QueryAsync<Version>(Sql.Of(
            $"SELECT id, max(fold_version) AS fold_version FROM {table.Identifier} PREWHERE project_id = {projectId} AND {Match(table, chunk.Select(c => (c.KeyPrefix, c.Id)).ToList())} GROUP BY id"), ct)));
        return chunks.SelectMany(c => c).ToDictionary(v => v.Id, v => v.FoldVersion);
    }

    /// <summary>The whole rows of a page, in the page's order.</summary>
    async Task<List<T>> InOrderAsync<T>(EntityTable table, string projectId, List<Candidate> page, CancellationToken ct) where T : IMergedRow
    {
        var rows = (await ByIdAsync<T>(table, projectId, page.Select(c => (c.KeyPrefix, c.Id)), ct)).ToDictionary(r => r.Id);
        return page.Where(c => rows.ContainsKey(c.Id)).Select(c => rows[c.Id]).ToList();
    }

    /// <summary>A primary-key condition for the given entities: the leading key column narrows the index ranges.</summary>
    static Sql Match(EntityTable table, IReadOnlyCollection<(string KeyPrefix, string Id)> keys) =>
        Sql.Of($"{(table.KeyPrefix is { } k ? Sql.Of($"{Sql.Trusted(k)} IN {Sql.InList(keys.Select(x => x.KeyPrefix).Distinct())} AND ") : Sql.Empty)}id IN {Sql.InList(keys.Select(x => x.Id).Distinct())}");

    /// <summary>Page <paramref name="page"/> (from 1) and the total for page meta, the two queries side by side.</summary>
    public async Task<(List<T> Rows, ulong Total)> PagedAsync<T>(EntityTable table, string projectId, Sql where, Sql orderBy, int page, int limit, CancellationToken ct,
        string? newestFirst = null, bool countByKeyRange = true)
        where T : IMergedRow
    {
        var total = CountAsync(table, projectId, where, ct, countByKeyRange);
        var rows = await PageAsync<T>(table, projectId, where, orderBy, (long)(page - 1) * limit, limit, ct, newestFirst);
        return (rows, await total);
    }

    /// <summary>
    /// How many entities' latest rows pass the filter: FINAL merges the versions as it reads, and WHERE sees the
    /// merged row; one branch per id range, in parallel, unless <paramref name="byKeyRange"/> is false: a filter
    /// with an <c>IN (subquery)</c> builds its set once per branch, and for a latency filter over a million traces
    /// two branches took 0.81–1.15 s where one took 0.49–0.77 s (a filter without a subquery: 120 against 230 ms).
    /// </summary>
    public async Task<ulong> CountAsync(EntityTable table, string projectId, Sql where, CancellationToken ct, bool byKeyRange = true)
    {
        if (!byKeyRange)
            return (await clickHouse.QueryAsync<Count>(Sql.Of($"SELECT count() AS c FROM {table.Identifier} FINAL WHERE project_id = {projectId} AND {where}"), ct)).Single().C;
        var branches = await keyRanges.UnionAsync(table, projectId, range =>
            Sql.Of($"SELECT count() AS c FROM {table.Identifier} FINAL WHERE project_id = {projectId} AND {range} AND {where}"), ct);
        return (await clickHouse.QueryAsync<Count>(Sql.Of($"SELECT sum(c) AS c FROM ({branches})"), ct)).Single().C;
    }

    /// <summary>
    /// The latest row (tombstones included) of each given entity, by primary key; in chunks that keep each statement
    /// well under ClickHouse's max_query_size.
    /// </summary>
    public async Task<List<T>> ByIdAsync<T>(EntityTable table, string projectId, IEnumerable<(string KeyPrefix, string Id)> keys, CancellationToken ct)
    {
        var chunks = await Task.WhenAll(Sql.Chunks(keys.Distinct(), k => k.KeyPrefix.Length + k.Id.Length * 2 + 16).Select(chunk => clickHouse.QueryAsync<T>(Sql.Of(
            $"SELECT * FROM {table.Identifier} PREWHERE project_id = {projectId} AND {Match(table, chunk)} ORDER BY fold_version DESC LIMIT 1 BY id"), ct)));
        return chunks.SelectMany(c => c).ToList();
    }
}
