using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Health;

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
