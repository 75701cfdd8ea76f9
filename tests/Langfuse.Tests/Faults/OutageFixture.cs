using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Faults;

/// <summary>A host with its own Redis and ClickHouse behind a fault proxy, with the default queue settings.</summary>
public class OutageFixture : AppFixture
{
    public PrivateRedis Redis { get; private set; } = null!;
    public FaultProxy ClickHouse { get; } = new(TestStores.ClickHouseUrl.Host, TestStores.ClickHouseUrl.Port);

    protected override IDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["REDIS_CONNECTION_STRING"] = Redis.ConnectionString,
        ["CLICKHOUSE_URL"] = new UriBuilder(TestStores.ClickHouseUrl) { Port = ClickHouse.Port }.Uri.ToString(),
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
        await ClickHouse.DisposeAsync();
    }
}
