using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace Langfuse.Infrastructure.Auth;

/// <summary>
/// Verified API keys, remembered for <see cref="Ttl"/> so a request in steady state costs no Postgres round trip; and
/// the way a deleted key stops working at once despite that: the deleting instance forgets it and announces it on a
/// Redis channel, and every instance forgets it on the announcement. An instance that lost its Redis connection may
/// have missed announcements, so it forgets every key when the connection comes back. If Redis is down at the moment
/// of deletion, other instances stop accepting the key within <see cref="Ttl"/>.
/// </summary>
public sealed class ApiKeyCache : IHostedService, IDisposable
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    static readonly RedisChannel Channel = RedisChannel.Literal("langfuse:api-key-revoked");

    readonly IConnectionMultiplexer _redis;
    readonly ILogger<ApiKeyCache> _log;
    MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public ApiKeyCache(IConnectionMultiplexer redis, ILogger<ApiKeyCache> log)
    {
        _redis = redis;
        _log = log;
        redis.ConnectionRestored += (_, _) => ForgetAll();
    }

    /// <summary>Subscribed before the service takes requests. If Redis is down, start anyway: the multiplexer subscribes
    /// when it connects, and <see cref="ForgetAll"/> runs then.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        try { await _redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => Forget((string?)message)).WaitAsync(TimeSpan.FromSeconds(3), ct); }
        catch (Exception e) when (e is RedisException or TimeoutException) { _log.LogWarning("API key revocations not subscribed yet: {Error}", e.Message); }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    public bool TryGet(string cacheKey, out StoredApiKey? key) => _cache.TryGetValue(cacheKey, out key);

    public void Set(string cacheKey, StoredApiKey key) =>
        _cache.Set(cacheKey, key, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Ttl, Size = 1 });

    public static string SecretEntry(string secretHash) => "secret:" + secretHash;
    public static string PublicEntry(string publicKey) => "public:" + publicKey;

    /// <summary>Called after a key was deleted (and committed): no instance accepts it any longer.</summary>
    public async Task RevokeAsync(string publicKey, string secretHash)
    {
        var message = PublicEntry(publicKey) + "\n" + SecretEntry(secretHash);
        Forget(message);
        try { await _redis.GetSubscriber().PublishAsync(Channel, message); }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _log.LogWarning("Could not announce the deletion of API key {PublicKey} ({Error}); other instances drop it within {Ttl}", publicKey, e.Message, Ttl);
        }
    }

    void Forget(string? message)
    {
        if (message is null) return;
        foreach (var entry in message.Split('\n')) _cache.Remove(entry);
    }

    void ForgetAll()
    {
        var old = Interlocked.Exchange(ref _cache, new MemoryCache(new MemoryCacheOptions { SizeLimit = 100_000 }));
        old.Dispose();
    }

    public void Dispose() => _cache.Dispose();
}
