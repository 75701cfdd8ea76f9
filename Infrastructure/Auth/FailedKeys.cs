using System.Collections.Concurrent;
using System.Diagnostics;
using Langfuse.Infrastructure.Caching;

namespace Langfuse.Infrastructure.Auth;

/// <summary>
/// What authentication remembers of failures, in bounded memory: credentials that matched no key (for
/// <see cref="BadKeyTtl"/>: short, so a key created a moment ago works almost at once) and client addresses that used
/// up their failed attempts for the current minute (counted in Redis across instances; remembered here so that
/// a blocked client costs no round trip at all).
/// </summary>
public sealed class FailedKeys
{
    public static readonly TimeSpan BadKeyTtl = TimeSpan.FromSeconds(5);
    /// <summary>Entries kept of each kind; past it the oldest knowledge is dropped wholesale (a flood of distinct keys).</summary>
    public const int Capacity = 10_000;

    readonly ConcurrentDictionary<string, long> _badKeys = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, long> _blocked = new(StringComparer.Ordinal);

    static long Now => Stopwatch.GetTimestamp();
    static long After(TimeSpan t) => Now + (long)(t.TotalSeconds * Stopwatch.Frequency);

    public bool IsKnownBad(string cacheKey) => _badKeys.TryGetValue(cacheKey, out var until) && until > Now;

    public void RememberBad(string cacheKey)
    {
        _badKeys.SetBounded(cacheKey, After(BadKeyTtl), Capacity);
    }

    public void Block(string client, TimeSpan duration)
    {
        _blocked.SetBounded(client, After(duration), Capacity);
    }

    /// <summary>How long the client is still blocked, or null.</summary>
    public TimeSpan? BlockedFor(string client)
    {
        if (!_blocked.TryGetValue(client, out var until)) return null;
        var left = until - Now;
        if (left > 0) return TimeSpan.FromSeconds(left / (double)Stopwatch.Frequency);
        _blocked.TryRemove(client, out _);
        return null;
    }

    public int Remembered => _badKeys.Count + _blocked.Count;
}
