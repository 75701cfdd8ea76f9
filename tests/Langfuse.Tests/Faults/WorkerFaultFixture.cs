using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Faults;

/// <summary>
/// An API-only host on a Redis of its own; the workers are separate processes the tests start and kill.
/// Short retry and takeover times keep the tests fast.
/// </summary>
public sealed class WorkerFaultFixture : AppFixture
{
    public PrivateRedis Redis { get; private set; } = null!;

    public Dictionary<string, string> WorkerEnvironment => new()
    {
        ["REDIS_CONNECTION_STRING"] = Redis.ConnectionString,
        ["LANGFUSE_SERVICE_ROLE"] = "worker",
        ["LANGFUSE_QUEUE_MAX_ATTEMPTS"] = "3",
        ["LANGFUSE_QUEUE_BACKOFF_BASE_MS"] = "100",
        ["LANGFUSE_QUEUE_BACKOFF_MAX_MS"] = "500",
        ["LANGFUSE_QUEUE_CLAIM_AFTER_MS"] = "2000",
    };

    protected override IDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["REDIS_CONNECTION_STRING"] = Redis.ConnectionString,
        ["LANGFUSE_SERVICE_ROLE"] = "api",
    };

    public override async Task InitializeAsync()
    {
        Redis = await PrivateRedis.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
