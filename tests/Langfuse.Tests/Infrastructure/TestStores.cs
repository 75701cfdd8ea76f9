namespace Langfuse.Tests.Infrastructure;

/// <summary>The stores ./test.sh started; their addresses come in through the same variables the service reads.</summary>
public static class TestStores
{
    public static string Get(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests through ./test.sh, which starts the stores.");

    public static Uri ClickHouseUrl => new(Get("CLICKHOUSE_URL"));
    public static string RedisConnectionString => Get("REDIS_CONNECTION_STRING");
    public static (string Host, int Port) RedisEndpoint
    {
        get { var uri = new Uri(RedisConnectionString); return (uri.Host, uri.Port); }
    }
}
