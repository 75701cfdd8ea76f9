using FastEndpoints;
using FluentValidation;

namespace Langfuse.Infrastructure.Http;

/// <summary>Langfuse's page-number paging of public lists: page ≥ 1, limit 1..100 (50 unless the list says otherwise).</summary>
public abstract record PageRequest
{
    [QueryParam] public int Page { get; init; } = 1;
    [QueryParam] public virtual int Limit { get; init; } = 50;
}

/// <summary>The `meta` object of a paged list.</summary>
public sealed record PageMeta(int Page, int Limit, long TotalItems, long TotalPages)
{
    public static PageMeta Of(int page, int limit, long total) => new(page, limit, total, (total + limit - 1) / limit);
}

public static class PagingRules
{
    /// <summary>The page and limit bounds; the deepest page's offset must fit the stores' integer offsets.</summary>
    public static void AddPagingRules<T>(this AbstractValidator<T> validator) where T : PageRequest
    {
        validator.RuleFor(r => r.Page).InclusiveBetween(1, QueryParameters.MaxPage);
        validator.RuleFor(r => r.Limit).InclusiveBetween(1, 100);
    }

    /// <summary>
    /// A page's worth of ids for a follow-up call (the figures of the rows a page already shows): 1 to 100 ids, each
    /// non-empty and at most 1,000 characters.
    /// </summary>
    public static void AddPageIdsRules<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, List<string>>> ids)
    {
        validator.RuleFor(ids).NotEmpty().Must(list => list.Count <= 100).WithMessage("at most 100 ids");
        validator.RuleForEach(System.Linq.Expressions.Expression.Lambda<Func<T, IEnumerable<string>>>(ids.Body, ids.Parameters)).NotEmpty().MaximumLength(1000);
    }
}
