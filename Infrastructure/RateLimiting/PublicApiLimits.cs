using System.Collections.Concurrent;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Caching;
using Langfuse.Infrastructure.Configuration;

namespace Langfuse.Infrastructure.RateLimiting;

/// <summary>
/// Fairness between projects on /api/public, after authentication:
/// <list type="bullet">
/// <item>requests per project and minute, per resource as Langfuse names them (ingestion, public-api,
/// public-api-metrics, prompts), answered past the limit with Langfuse's 429 and <c>Retry-After</c>;</item>
/// <item>at most <see cref="LimitSettings.ReadConcurrencyPerProject"/> reads of one project at a time on this instance
/// (more wait their turn, up to <see cref="QueueFor"/>, then get a 429), so one project's heavy reads cannot take every
/// ClickHouse connection or thread from the others.</item>
/// </list>
/// </summary>
public sealed class PublicApiLimits(RequestDelegate next, RedisRateLimiter limiter, LangfuseSettings settings)
{
    public static readonly TimeSpan QueueFor = TimeSpan.FromSeconds(10);
    readonly ConcurrentDictionary<string, SemaphoreSlim> _readers = new();

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api/public") || context.Features.Get<ProjectScope>() is not { } scope
            || path.StartsWithSegments("/api/public/health") || path.StartsWithSegments("/api/public/ready"))
        {
            await next(context);
            return;
        }
        var (resource, perMinute) = Resource(context.Request.Method, path);
        // Organization keys (administration API) count against their organization.
        var subject = scope.Access == AccessLevel.Organization ? "org:" + scope.OrganizationId : scope.ProjectId;
        if (perMinute > 0)
        {
            var decision = await limiter.HitAsync(resource, subject, perMinute);
            var headers = context.Response.Headers;
            headers["X-RateLimit-Limit"] = decision.Limit.ToString();
            headers["X-RateLimit-Remaining"] = decision.Remaining.ToString();
            headers["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.Add(decision.ResetIn).ToUnixTimeSeconds().ToString();
            if (!decision.Allowed)
            {
                await TooManyAsync(context, decision.ResetIn, $"Rate limit exceeded: at most {perMinute} {resource} requests per minute for this project");
                return;
            }
        }
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await next(context);
            return;
        }
        var gate = _readers.GetOrAddBounded(subject, _ => new SemaphoreSlim(settings.Limits.ReadConcurrencyPerProject), 10_000);
        if (!await gate.WaitAsync(QueueFor, context.RequestAborted))
        {
            await TooManyAsync(context, TimeSpan.FromSeconds(1), $"Too many concurrent reads: at most {settings.Limits.ReadConcurrencyPerProject} at a time for this project");
            return;
        }
        try { await next(context); }
        finally { gate.Release(); }
    }

    (string Resource, int PerMinute) Resource(string method, PathString path)
    {
        var limits = settings.Limits;
        if (path.StartsWithSegments("/api/public/ingestion") || path.StartsWithSegments("/api/public/otel")
            || (HttpMethods.IsPost(method) && path.StartsWithSegments("/api/public/scores")))
            return ("ingestion", limits.IngestionPerMinute);
        if (path.StartsWithSegments("/api/public/metrics") || path.StartsWithSegments("/api/public/v2/metrics"))
            return ("public-api-metrics", limits.MetricsPerMinute);
        if (path.StartsWithSegments("/api/public/v2/prompts") || path.StartsWithSegments("/api/public/prompts"))
            return ("prompts", limits.PromptsPerMinute);
        return ("public-api", limits.PublicApiPerMinute);
    }

    /// <summary>Langfuse's 429: a JSON message and Retry-After in seconds.</summary>
    public static Task TooManyAsync(HttpContext context, TimeSpan retryAfter, string message)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        return context.Response.WriteAsJsonAsync(new { message, error = "TooManyRequests" });
    }
}
