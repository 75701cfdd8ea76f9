using System.Net;
using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>Query values that parse but cannot be used are a 400 naming the parameter, never a 500.</summary>
[Collection(ReadsCollection.Name)]
public sealed class HostileQueryTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("/api/public/v2/scores?value=NaN", "value")]
    [InlineData("/api/public/v2/scores?value=Infinity", "value")]
    [InlineData("/api/public/v3/scores?valueMin=Infinity", "valueMin")]
    [InlineData("/api/public/v3/scores?valueMax=-Infinity", "valueMax")]
    [InlineData("/api/public/traces?filter=%5B%7B%22type%22%3A%22number%22%2C%22column%22%3A%22latency%22%2C%22operator%22%3A%22%3E%22%2C%22value%22%3A1e400%7D%5D", "filter")]
    [InlineData("/api/public/traces?filter=%5B%7B%22type%22%3A%22string%22%2C%22column%22%3A%22name%22%2C%22operator%22%3A%22%3D%22%2C%22value%22%3A%22%5Cud83d%22%7D%5D", "filter")]
    [InlineData("/api/public/v2/observations?cursor=e30=", "cursor")]
    [InlineData("/api/public/v3/scores?cursor=e30", "cursor")]
    [InlineData("/api/public/traces?page=2147483647", "page")]
    [InlineData("/api/public/v2/prompts?page=2147483647", "page")]
    [InlineData("/api/public/v2/datasets?page=2147483647", "page")]
    [InlineData("/api/public/models?page=2147483647", "page")]
    public async Task Values_that_parse_but_cannot_be_used_are_400_naming_the_parameter(string url, string parameter)
    {
        var (status, body) = await app.Host.GetAsync(_project, url);
        status.ShouldBe(400, body.ToString());
        Problems.Text(body).ShouldContain(parameter); // in the message, or (typed endpoints' validation) a failure's path
    }

    [Fact]
    public async Task A_string_where_a_metrics_filter_needs_a_number_is_a_400()
    {
        var query = Uri.EscapeDataString("""{"view":"observations","metrics":[{"measure":"count","aggregation":"count"}],"dimensions":[],"filters":[{"column":"promptVersion","operator":">","value":"fast","type":"number"}],"fromTimestamp":"2024-01-01T00:00:00Z","toTimestamp":"2024-02-01T00:00:00Z"}""");
        var (status, body) = await app.Host.GetAsync(_project, $"/api/public/v2/metrics?query={query}");
        status.ShouldBe(400, body.ToString());
        body.GetProperty("message").GetString()!.ShouldContain("number");
    }

    [Fact]
    public async Task A_trace_id_holding_a_percent_encoded_slash_is_decoded_once()
    {
        var literal = "literal%2Fslash-" + Guid.NewGuid().ToString("N")[..6];
        var slashed = "with/slash-" + Guid.NewGuid().ToString("N")[..6];
        (await app.Host.IngestAsync(_project, Event("trace-create", new { id = literal }), Event("trace-create", new { id = slashed }))).Status.ShouldBe(207);
        await app.Host.TraceWhenAsync(_project, slashed, _ => true);

        // Kestrel, unlike the in-memory test server, hands over the raw target: the real server is asked.
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string> { ["LANGFUSE_SERVICE_ROLE"] = "api" });
        using var http = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = _project.Header;
        // An SDK escapes the id once: % becomes %25 (literal%252Fslash), / becomes %2F (with%2Fslash).
        foreach (var id in new[] { literal, slashed })
        {
            var url = "/api/public/traces/" + Uri.EscapeDataString(id);
            await Eventually.Async(async () => (await http.GetAsync(url)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), $"{url} never answered 200");
            using var body = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(url));
            body.RootElement.GetProperty("id").GetString().ShouldBe(id);
        }
    }
}
