using Marten;
using Marten.Pagination;

namespace Langfuse.Infrastructure.Persistence;

public static class Paging
{
    /// <summary>
    /// One page read from Postgres with its total (Marten counts beside the page). A page past the end holds no row
    /// to carry that count, so it is counted on its own, with a fresh query: paging attaches statistics to one.
    /// </summary>
    public static async Task<(IReadOnlyList<T> Rows, long Total)> PageOfAsync<T>(Func<IQueryable<T>> query, int page, int limit, CancellationToken ct) where T : notnull
    {
        var rows = await query().ToPagedListAsync(Math.Max(page, 1), limit, ct);
        return (rows.ToList(), rows.Count == 0 && page > 1 ? await query().CountAsync(ct) : rows.TotalItemCount);
    }
}
