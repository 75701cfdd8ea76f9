using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Foundation;

/// <summary>A host with low limits, so that they are reached within a test.</summary>
public sealed class LowLimitsFixture : AppFixture
{
    public const int PublicApiPerMinute = 20, IngestionPerMinute = 10;

    protected override IDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["LANGFUSE_RATE_LIMIT_PUBLIC_API_PER_MINUTE"] = PublicApiPerMinute.ToString(),
        ["LANGFUSE_RATE_LIMIT_INGESTION_PER_MINUTE"] = IngestionPerMinute.ToString(),
        ["LANGFUSE_READ_MAX_MEMORY_BYTES"] = "1000",
    };
}
