using Langfuse.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Langfuse.Tests.Foundation;

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

[CollectionDefinition(Name)]
public sealed class FaultyStoresCollection : ICollectionFixture<FaultyStoresFixture>
{
    public const string Name = "faulty-stores";
}

[Collection(FaultyStoresCollection.Name)]
public sealed class HealthTests(FaultyStoresFixture app)
{
    [Fact]
    public async Task Health_is_ok_when_every_store_answers()
    {
        var (status, body) = await app.Host.GetAsync(null, "/api/public/health");
        status.ShouldBe(200);
        body.GetProperty("status").GetString().ShouldBe("OK");
        body.GetProperty("version").GetString().ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("ClickHouse")]
    [InlineData("Redis")]
    [InlineData("Postgres")]
    public async Task Health_is_503_naming_the_store_that_is_down_and_recovers_when_it_is_back(string store)
    {
        var proxy = store switch { "ClickHouse" => app.ClickHouse, "Redis" => app.Redis, _ => app.Postgres };
        proxy.Cut();
        try
        {
            var (status, body) = await app.Host.GetAsync(null, "/api/public/health");
            status.ShouldBe(503);
            body.GetProperty("message").GetString()!.ShouldContain(store);
            body.GetProperty("status").GetString().ShouldBe("Service Unavailable");
        }
        finally { proxy.Restore(); }

        await Eventually.Async(async () =>
        {
            var (status, _) = await app.Host.GetAsync(null, "/api/public/health");
            return status == 200;
        }, TimeSpan.FromSeconds(20), $"health did not recover after {store} came back");
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_with_a_correlation_id_and_no_internals()
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/public/test-failure");
            s.StatusCodeShouldBe(500);
        });
        var text = await result.ReadAsTextAsync();
        text.ShouldNotContain("secret internal detail");
        text.ShouldNotContain("   at ");
        var body = System.Text.Json.JsonDocument.Parse(text).RootElement;
        body.GetProperty("message").GetString().ShouldBe("Internal Server Error");
        body.GetProperty("correlationId").GetString().ShouldNotBeNullOrEmpty();
        (await app.Host.GetAsync(null, "/api/public/health")).Status.ShouldBe(200); // nothing wedged
    }

    [Fact]
    public async Task Ready_answers_without_credentials()
    {
        var (status, body) = await app.Host.GetAsync(null, "/api/public/ready");
        status.ShouldBe(200);
        body.GetProperty("status").GetString().ShouldBe("OK");
    }
}
