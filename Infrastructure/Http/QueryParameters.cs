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

    public static DateTimeOffset? Time(IQueryCollection q, string key) =>
        !q.TryGetValue(key, out var s) ? null
        : DateTimeOffset.TryParse(s[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d
        : throw new ApiProblem(400, $"{key}: must be an ISO-8601 datetime");

    /// <summary>Langfuse's offset paging: page ≥ 1 (≥ <paramref name="minPage"/> on legacy routes), limit 1..100, default 50.</summary>
    public static (int Page, int Limit) Paging(IQueryCollection q, int defaultLimit = 50, int minPage = 1) =>
        (Math.Max(1, Int(q, "page", 1, minPage, int.MaxValue)), Int(q, "limit", defaultLimit, 1, 100));

    public static JsonObject PageMeta(int page, int limit, long total) =>
        new() { ["page"] = page, ["limit"] = limit, ["totalItems"] = total, ["totalPages"] = (total + limit - 1) / limit };
}
