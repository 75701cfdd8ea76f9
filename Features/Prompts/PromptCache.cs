using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Langfuse.Features.Prompts;

/// <summary>
/// Resolved prompts cached in Redis under a per-project generation number. Any prompt write bumps the generation
/// (after it committed), so every cached entry of that project, including prompts that reference the changed one,
/// stops being served at once; a read that starts after a write's response always sees the write.
/// One round trip per read: a script returns the generation's entry in the same call.
/// </summary>
public sealed class PromptCache(IConnectionMultiplexer redis, ILogger<PromptCache> log)
{
    static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    const string ReadScript = "local g = redis.call('GET', KEYS[1]) or '0' return {g, redis.call('GET', KEYS[2] .. ':' .. g)}";

    static string GenerationKey(string projectId) => $"langfuse:prompt-gen:{projectId}";
    static string EntryKey(string projectId, string key) =>
        $"langfuse:prompt:{projectId}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32]}";

    public async Task<string> GetOrLoadAsync(string projectId, string key, Func<Task<string>> load)
    {
        string? generation = null;
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReadScript,
                [GenerationKey(projectId), EntryKey(projectId, key)]))!;
            generation = (string?)result[0];
            if (!result[1].IsNull) return (string)result[1]!;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            log.LogWarning("Prompt cache unavailable ({Error}); reading from Postgres", e.Message);
        }
        var value = await load();
        if (generation is not null)
        {
            try { await redis.GetDatabase().StringSetAsync($"{EntryKey(projectId, key)}:{generation}", value, Ttl); }
            catch (Exception e) when (e is RedisException or TimeoutException) { }
        }
        return value;
    }

    public async Task InvalidateProjectAsync(string projectId)
    {
        try { await redis.GetDatabase().StringIncrementAsync(GenerationKey(projectId)); }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Without the bump, cached entries could outlive the write: fail the request rather than serve stale prompts.
            throw new PromptException(503, $"The prompt was saved but the cache could not be invalidated ({e.Message}); retry the request");
        }
    }

    /// <summary>Every cached entry of a deleted project (the entries would expire on their own; erasure should not wait for that).</summary>
    public async Task ForgetProjectAsync(string projectId)
    {
        var db = redis.GetDatabase();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
            await foreach (var key in server.KeysAsync(db.Database, $"langfuse:prompt:{projectId}:*", pageSize: 500))
                await db.KeyDeleteAsync(key);
        await db.KeyDeleteAsync(GenerationKey(projectId));
    }
}
