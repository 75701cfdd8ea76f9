using StackExchange.Redis;

namespace Langfuse.Infrastructure.RateLimiting;

/// <summary>
/// Fixed one-minute windows counted in Redis, so a limit holds across every instance of the service. One round trip
/// per request (a script that counts and sets the window's expiry). If Redis cannot answer, requests are let through:
/// a limit must never turn a Redis hiccup into an outage of the API.
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis, ILogger<RedisRateLimiter> log)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public sealed record Decision(bool Allowed, int Limit, long Remaining, TimeSpan ResetIn);

    const string CountScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { n, redis.call('PTTL', KEYS[1]) }
        """;

    /// <summary>Counts one request of <paramref name="subject"/> against <paramref name="resource"/>'s limit per minute.</summary>
    public async Task<Decision> HitAsync(string resource, string subject, int perMinute)
    {
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(CountScript,
                [new RedisKey($"langfuse:ratelimit:{resource}:{subject}")], [(long)Window.TotalMilliseconds]))!;
            var count = (long)result[0];
            var ttl = TimeSpan.FromMilliseconds(Math.Max(0, (long)result[1]));
            return new Decision(count <= perMinute, perMinute, Math.Max(0, perMinute - count), ttl);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            log.LogDebug("Rate limit for {Resource} not checked: {Error}", resource, e.Message);
            return new Decision(true, perMinute, perMinute, Window);
        }
    }
}
