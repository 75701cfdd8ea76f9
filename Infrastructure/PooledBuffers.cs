using Microsoft.IO;

namespace Langfuse.Infrastructure;

/// <summary>
/// Pooled buffers for the large bodies the write path builds and drops many times a second: ClickHouse inserts
/// (an event-log insert of 12,800 events is ~14 MB of JSON) and queue entries (~150 KB for 100 events before gzip).
/// A growing <see cref="MemoryStream"/> allocates each afresh, zeroed, on the large-object heap, copying as it doubles,
/// and that garbage stays until a full collection. Closed-loop benchmark, rounds of up to 12,800 events: the service's
/// RSS peak 500–549 MB in six runs with pooled buffers against 624 / 797 MB in two without; its CPU per stored event
/// 49–64 ms per 1,000 with, 58–60 without (runs not interleaved; docs/ingestion-profile.md). What the pool keeps while
/// idle is capped.
/// </summary>
public static class PooledBuffers
{
    static readonly RecyclableMemoryStreamManager Manager = new(new RecyclableMemoryStreamManager.Options
    {
        BlockSize = 128 * 1024,
        MaximumSmallPoolFreeBytes = 64L * 1024 * 1024,
        MaximumLargePoolFreeBytes = 16L * 1024 * 1024,
    });

    /// <summary>An empty buffer; disposing it returns its blocks.</summary>
    public static MemoryStream Rent(string tag) => Manager.GetStream(tag);
}
