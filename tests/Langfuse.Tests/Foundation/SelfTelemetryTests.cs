using System.Text.Json;
using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Foundation;

/// <summary>
/// With OTEL_EXPORTER_OTLP_ENDPOINT set, the service exports its own traces over OTLP. Here one service process
/// exports to another one's OTLP endpoint, which stores them like any client's spans.
/// </summary>
[Collection(FoundationCollection.Name)]
public sealed class SelfTelemetryTests(AppFixture app) : IAsyncLifetime
{
    TestProject _sink = null!;
    ServiceProcess _collector = null!;
    ServiceProcess _observed = null!;

    public async Task InitializeAsync()
    {
        _sink = await app.CreateProjectAsync();
        _collector = await ServiceProcess.StartAsync();
        _observed = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.BaseUrl + "/api/public/otel",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "Authorization=" + _sink.BasicAuth,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
    }

    public async Task DisposeAsync()
    {
        await _observed.DisposeAsync();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task The_service_exports_its_own_request_spans_over_OTLP()
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = _sink.Header;
        (await http.GetAsync(_observed.BaseUrl + "/api/public/projects")).EnsureSuccessStatusCode();

        // Filtered by name: the observed service also exports its background work (Redis polls, Wolverine's queries),
        // enough spans in a minute to push the request's out of any fixed window of the newest ones.
        var byName = Uri.EscapeDataString("""[{"type":"string","column":"name","operator":"contains","value":"/api/public/projects"}]""");
        var observation = await app.Host.GetWhenAsync(_sink, $"/api/public/v2/observations?fields=basic,metadata&expandMetadata=true&limit=100&filter={byName}", body =>
            body.GetProperty("data").EnumerateArray().Any(o => o.GetProperty("name").GetString()!.Contains("/api/public/projects")));
        var span = observation.GetProperty("data").EnumerateArray().First(o => o.GetProperty("name").GetString()!.Contains("/api/public/projects"));
        var resource = JsonDocument.Parse(span.GetProperty("metadata").GetProperty("resourceAttributes").GetString()!).RootElement;
        resource.GetProperty("service.name").GetString().ShouldBe("langfuse-dotnet");
    }
}
