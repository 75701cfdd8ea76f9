using System.Collections.Concurrent;

namespace Langfuse.Infrastructure.Caching;

/// <summary>
/// Every in-process cache is bounded: keys can come from clients (model names, credentials, addresses) or grow with
/// the number of projects. Past its capacity a cache starts over: simple, and what was dropped is recomputed once.
/// </summary>
public static class BoundedCache
{
    public static void SetBounded<TKey, TValue>(this ConcurrentDictionary<TKey, TValue> cache, TKey key, TValue value, int capacity) where TKey : notnull
    {
        if (cache.Count >= capacity && !cache.ContainsKey(key)) cache.Clear();
        cache[key] = value;
    }

    public static TValue GetOrAddBounded<TKey, TValue>(this ConcurrentDictionary<TKey, TValue> cache, TKey key, Func<TKey, TValue> create, int capacity) where TKey : notnull
    {
        if (cache.TryGetValue(key, out var value)) return value;
        if (cache.Count >= capacity) cache.Clear();
        return cache.GetOrAdd(key, create);
    }
}
