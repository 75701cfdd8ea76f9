using Microsoft.IO;

namespace Langfuse.Infrastructure;

/// <summary>
/// Pooled buffers for the queue entries the API builds many times a second (~150 KB for 100 events before gzip).
/// A growing <see cref="MemoryStream"/> allocates each afresh, zeroed, on the large-object heap, copying as it doubles,
/// and that garbage stays until a full collection. They served ClickHouse inserts too (closed-loop RSS peak 500–549 MB
/// with them against 624 / 797 MB without, docs/ingestion-profile.md) until inserts were written while sent
/// (<c>ClickHouseGateway.InsertJsonEachRowAsync</c>). What the pool keeps while idle is capped.
/// </summary>
public static class PooledBuffers
{
    static readonly RecyclableMemoryStreamManager Manager = new(new RecyclableMemoryStreamManager.Options
    {
        BlockSize = 128 * 1024,
        MaximumSmallPoolFreeBytes = 16L * 1024 * 1024,
        MaximumLargePoolFreeBytes = 16L * 1024 * 1024,
    });

    /// <summary>An empty buffer; disposing it returns its blocks.</summary>
    public static MemoryStream Rent(string tag) => Manager.GetStream(tag);
}
