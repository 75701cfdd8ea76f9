using System.Net;
using System.Text;
using Alba;
using Langfuse.Infrastructure.Auth;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Foundation;

/// <summary>One project cannot take what the others need: per-project rates, failed authentication, read limits.</summary>
[Collection(LowLimitsCollection.Name)]
public sealed class RateLimitTests(LowLimitsFixture app) : IAsyncLifetime
{
    TestProject _busy = null!, _quiet = null!;
    public async Task InitializeAsync() { _busy = await app.CreateProjectAsync(); _quiet = await app.CreateProjectAsync(); }
    public Task DisposeAsync() => Task.CompletedTask;

    async Task<IScenarioResult> Get(string url, string auth, string client = "10.1.1.1") => await app.Host.Scenario(s =>
    {
        s.Get.Url(url);
        s.WithRequestHeader("Authorization", auth);
        s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(client));
        s.IgnoreStatusCode();
    });

    [Fact]
    public async Task A_project_over_its_rate_gets_Langfuses_429_and_another_project_is_untouched()
    {
        for (var i = 0; i < LowLimitsFixture.PublicApiPerMinute; i++)
            (await Get("/api/public/projects", _busy.BasicAuth)).Context.Response.StatusCode.ShouldBe(200);
        var limited = await Get("/api/public/projects", _busy.BasicAuth);
        limited.Context.Response.StatusCode.ShouldBe(429);
        int.Parse(limited.Context.Response.Headers.RetryAfter!).ShouldBeInRange(1, 60);
        limited.Context.Response.Headers["X-RateLimit-Limit"].ToString().ShouldBe(LowLimitsFixture.PublicApiPerMinute.ToString());
        (await limited.ReadAsTextAsync()).ShouldContain("Rate limit exceeded");

        (await Get("/api/public/projects", _quiet.BasicAuth)).Context.Response.StatusCode.ShouldBe(200);
        // Ingestion counts apart from reads.
        (await app.Host.IngestAsync(_busy, Event("trace-create", new { id = Guid.NewGuid().ToString() }))).Status.ShouldBe(207);
    }

    [Fact]
    public async Task A_flood_of_bad_credentials_from_one_address_is_cut_off_and_others_still_get_in()
    {
        var flooder = $"10.2.{Random.Shared.Next(255)}.{Random.Shared.Next(255)}";
        var statuses = new List<int>();
        for (var i = 0; i < 70; i++)
        {
            var bad = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"pk-lf-{i}:sk-lf-wrong-{i}"));
            statuses.Add((await Get("/api/public/projects", bad, flooder)).Context.Response.StatusCode);
        }
        statuses.Take(60).ShouldAllBe(s => s == 401);
        statuses.Skip(61).ShouldAllBe(s => s == 429);
        // Even a valid key is refused from that address until the minute is over; from another address it works.
        (await Get("/api/public/projects", _quiet.BasicAuth, flooder)).Context.Response.StatusCode.ShouldBe(429);
        (await Get("/api/public/projects", _quiet.BasicAuth, "10.3.3.3")).Context.Response.StatusCode.ShouldBe(200);
    }

    [Fact]
    public async Task Unknown_credentials_are_remembered_briefly_instead_of_asking_Postgres_each_time()
    {
        var bad = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("pk-lf-nobody:sk-lf-" + Guid.NewGuid()));
        (await Get("/api/public/projects", bad, "10.4.4.4")).Context.Response.StatusCode.ShouldBe(401);
        app.Service<FailedKeys>().Remembered.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_read_over_ClickHouses_memory_limit_is_a_503_naming_the_limit()
    {
        (await app.Host.IngestAsync(_quiet, Event("trace-create", new { id = Guid.NewGuid().ToString() }))).Status.ShouldBe(207);
        var result = await Get("/api/public/traces", _quiet.BasicAuth, "10.5.5.5");
        result.Context.Response.StatusCode.ShouldBe(503);
        (await result.ReadAsTextAsync()).ShouldContain("LANGFUSE_READ_MAX_MEMORY_BYTES");
    }
}
