using System.Globalization;
using System.Text.Json.Nodes;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Infrastructure.Http;

/// <summary>Query-string values shared by every list endpoint; a malformed value is a 400 naming the parameter.</summary>
public static class QueryParameters
{
    public static int Int(IQueryCollection q, string key, int fallback, int min, int max) =>
        !q.TryGetValue(key, out var s) ? fallback
        : int.TryParse(s[0], out var n) && n >= min && n <= max ? n
        : throw new ApiProblem(400, $"{key}: must be an integer between {min} and {max}");

    /// <summary>An enum-valued parameter: absent, or one of <paramref name="allowed"/>; anything else is a 400 listing them.</summary>
    public static void OneOf(IQueryCollection q, string key, IReadOnlyCollection<string> allowed)
    {
        foreach (var value in q[key])
            if (value is not null && !allowed.Contains(value))
                throw new ApiProblem(400, $"{key}: '{value}' is not one of {string.Join(", ", allowed)}");
    }

    /// <summary>A finite number (NaN and Infinity parse as doubles but have no SQL literal).</summary>
    public static double Number(string key, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n
        : throw new ApiProblem(400, $"{key}: must be a finite number");

    /// <summary>Deepest page served: its offset (page × limit) must fit the stores' integer offsets.</summary>
    public const int MaxPage = 10_000_000;

    public static DateTimeOffset? Time(IQueryCollection q, string key) =>
        !q.TryGetValue(key, out var s) ? null
        : DateTimeOffset.TryParse(s[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d
        : throw new ApiProblem(400, $"{key}: must be an ISO-8601 datetime");

    /// <summary>Langfuse's offset paging: page ≥ 1 (≥ <paramref name="minPage"/> on legacy routes), limit 1..100, default 50.</summary>
    public static (int Page, int Limit) Paging(IQueryCollection q, int defaultLimit = 50, int minPage = 1) =>
        (Math.Max(1, Int(q, "page", 1, minPage, MaxPage)), Int(q, "limit", defaultLimit, 1, 100));

    public static JsonObject PageMeta(int page, int limit, long total) =>
        new() { ["page"] = page, ["limit"] = limit, ["totalItems"] = total, ["totalPages"] = (total + limit - 1) / limit };
}
