using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Tracing.Filtering;

/// <summary>Query-string and SQL helpers shared by the tracing read endpoints (lists and metrics).</summary>
public static class ListQuery
{
    public static long? Millis(IQueryCollection q, string key) => QueryParameters.Time(q, key)?.ToUnixTimeMilliseconds();

    /// <summary>
    /// The latest row of each entity among the rows inside a time range, for aggregations: the range narrows the read
    /// before deduplication, so a row version whose time was later moved out of the range is still counted in it.
    /// PREWHERE: the other columns are read for rows in the range only (a day of ten million observations: 400 → 240 ms).
    /// </summary>
    public static Sql LatestWithin(string table, string projectId, Sql timeRange, string columns) =>
        Sql.Of($"(SELECT {Sql.Trusted(columns)} FROM {Sql.Trusted(SqlLiteral.Identifier(table))} PREWHERE {timeRange} WHERE project_id = {projectId} ORDER BY fold_version DESC LIMIT 1 BY id)");

    /// <summary>Trace ids of the project whose latest row matches <paramref name="condition"/>, for filters on trace fields.</summary>
    public static Sql TracesWhere(string projectId, Sql condition) =>
        Sql.Of($"(SELECT id FROM traces FINAL WHERE project_id = {projectId} AND is_deleted = 0 AND {condition})");

    /// <summary>The JSON `filter` parameter, when given, added to the query-parameter filters (both must hold).</summary>
    public static void AddJsonFilter(IQueryCollection q, Conditions conditions, JsonFilterSchema schema)
    {
        if (q["filter"].FirstOrDefault() is { Length: > 0 } json) conditions.Add(JsonFilter.Parse(json, schema));
    }
}

/// <summary>
/// WHERE conditions built from a typed request's values (Where…) or, for the lists not yet typed, from query parameters
/// by name (Eq, AnyOf, Range, HasAll); every value goes through <see cref="Sql.Of"/>.
/// </summary>
public sealed class Conditions(IQueryCollection? q = null)
{
    readonly List<Sql> _all = [Sql.Trusted("is_deleted = 0")];
    readonly IQueryCollection _q = q ?? QueryCollection.Empty;

    static Sql Column(string column) => Sql.Trusted(SqlLiteral.Identifier(column));

    public Conditions Where(string column, string? value)
    {
        if (value is not null) _all.Add(Sql.Of($"{Column(column)} = {value}"));
        return this;
    }

    /// <summary>Any of the values may match (none given: no condition).</summary>
    public Conditions WhereAny(string column, IReadOnlyCollection<string>? values)
    {
        if (values is { Count: > 0 }) _all.Add(Sql.Of($"has({values.ToList()}, {Column(column)})"));
        return this;
    }

    /// <summary>All the values must be in the array column (none given: no condition).</summary>
    public Conditions WhereAll(string column, IReadOnlyCollection<string>? values)
    {
        if (values is { Count: > 0 }) _all.Add(Sql.Of($"hasAll({Column(column)}, {values.ToList()})"));
        return this;
    }

    /// <summary>from (inclusive) and to (exclusive) on an epoch-millisecond column.</summary>
    public Conditions Between(string column, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is { } f) _all.Add(Sql.Of($"{Column(column)} >= {f.ToUnixTimeMilliseconds()}"));
        if (to is { } t) _all.Add(Sql.Of($"{Column(column)} < {t.ToUnixTimeMilliseconds()}"));
        return this;
    }

    public Conditions Eq(string param, string column)
    {
        if (_q[param].FirstOrDefault() is { } v) _all.Add(Sql.Of($"{Sql.Trusted(SqlLiteral.Identifier(column))} = {v}"));
        return this;
    }

    /// <summary>A repeated parameter of which any value may match.</summary>
    public Conditions AnyOf(string param, string column)
    {
        if (_q[param].Where(e => e is not null).Select(e => e!).ToList() is { Count: > 0 } values)
            _all.Add(Sql.Of($"has({values}, {Sql.Trusted(SqlLiteral.Identifier(column))})"));
        return this;
    }

    /// <summary>from (inclusive) and to (exclusive) ISO times on an epoch-millisecond column.</summary>
    public Conditions Range(string fromParam, string toParam, string column)
    {
        var c = Sql.Trusted(SqlLiteral.Identifier(column));
        if (ListQuery.Millis(_q, fromParam) is { } from) _all.Add(Sql.Of($"{c} >= {from}"));
        if (ListQuery.Millis(_q, toParam) is { } to) _all.Add(Sql.Of($"{c} < {to}"));
        return this;
    }

    /// <summary>A repeated parameter whose values must all be in an array column.</summary>
    public Conditions HasAll(string param, string column)
    {
        if (_q[param].Where(e => e is not null).Select(e => e!).ToList() is { Count: > 0 } values)
            _all.Add(Sql.Of($"hasAll({Sql.Trusted(SqlLiteral.Identifier(column))}, {values})"));
        return this;
    }

    /// <summary>Conditions on the row's trace (its latest version), built by <paramref name="onTrace"/> and reached through the trace id.</summary>
    public Conditions OfTrace(string traceIdColumn, string projectId, Func<Conditions, Conditions> onTrace)
    {
        var trace = onTrace(new Conditions(_q));
        if (trace._all.Count > 1) _all.Add(Sql.Of($"{Sql.Trusted(traceIdColumn)} IN {ListQuery.TracesWhere(projectId, trace.Build())}"));
        return this;
    }

    public Conditions Add(Sql condition) { _all.Add(condition); return this; }

    public Sql Build() => Sql.Join(" AND ", _all);
}
