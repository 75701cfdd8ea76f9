using Langfuse.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Langfuse.Tests.Health;

/// <summary>A host whose three stores sit behind fault proxies, so each can be taken down alone.</summary>
public sealed class FaultyStoresFixture : AppFixture
{
    public FaultProxy Postgres { get; }
    public FaultProxy ClickHouse { get; }
    public FaultProxy Redis { get; }
    readonly Uri _postgres = new(TestStores.Get("DATABASE_URL"));

    public FaultyStoresFixture()
    {
        Postgres = new FaultProxy(_postgres.Host, _postgres.Port);
        ClickHouse = new FaultProxy(TestStores.ClickHouseUrl.Host, TestStores.ClickHouseUrl.Port);
        var (redisHost, redisPort) = TestStores.RedisEndpoint;
        Redis = new FaultProxy(redisHost, redisPort);
    }

    /// <summary>A route that fails the way a bug would, to observe the 500 contract.</summary>
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddTransient<IStartupFilter, FailingRoute>();

    sealed class FailingRoute : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, Func<Task> _) => context.Request.Path == "/api/public/test-failure"
                ? throw new InvalidOperationException("secret internal detail")
                : Task.CompletedTask);
        };
    }

    protected override IDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["DATABASE_URL"] = new UriBuilder(_postgres) { Port = Postgres.Port }.Uri.ToString(),
        ["CLICKHOUSE_URL"] = new UriBuilder(TestStores.ClickHouseUrl) { Port = ClickHouse.Port }.Uri.ToString(),
        ["REDIS_CONNECTION_STRING"] = $"redis://127.0.0.1:{Redis.Port}",
        // No workers: this host's stores are cut on purpose, and a worker here would take other collections' events
        // off the shared stream and hold them, unstorable, until another consumer claims them a minute later.
        ["LANGFUSE_SERVICE_ROLE"] = "api",
    };
}
