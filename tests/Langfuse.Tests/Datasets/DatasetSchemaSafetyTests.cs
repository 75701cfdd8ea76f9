using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Datasets;

/// <summary>Dataset schemas never make the server reach out, and their patterns cannot stall it.</summary>
[Collection(DatasetsCollection.Name)]
public sealed class DatasetSchemaSafetyTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_remote_ref_is_refused_without_being_fetched()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        try
        {
            foreach (var target in new[] { $"http://127.0.0.1:{port}/schema.json", "file:///etc/passwd", "/etc/passwd" })
            {
                var (status, body) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/v2/datasets",
                    new { name = "ref-" + Guid.NewGuid().ToString("N")[..6], inputSchema = new Dictionary<string, object> { ["$ref"] = target } });
                status.ShouldBe(400, body.ToString());
                if (target.StartsWith("http", StringComparison.Ordinal)) body.GetProperty("message").GetString()!.ShouldContain("only local references");
                body.ToString().ShouldNotContain("root:"); // nothing of the file is read or echoed
            }
            listener.Pending().ShouldBeFalse("the server opened a connection to the schema's $ref");
        }
        finally { listener.Stop(); }

        var local = new Dictionary<string, object>
        {
            ["definitions"] = new { name = new { type = "string" } },
            ["type"] = "object",
            ["properties"] = new Dictionary<string, object> { ["who"] = new Dictionary<string, object> { ["$ref"] = "#/definitions/name" } },
        };
        (await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/v2/datasets", new { name = "local-" + Guid.NewGuid().ToString("N")[..6], inputSchema = local })).Status.ShouldBe(200);
    }

    [Fact]
    public async Task A_pattern_that_backtracks_catastrophically_is_refused_when_written()
    {
        var (status, body) = await app.Host.SendAsync(_project, HttpMethod.Post, "/api/public/v2/datasets",
            new { name = "redos-" + Guid.NewGuid().ToString("N")[..6], inputSchema = new { type = "string", pattern = "^(a+)+$" } });
        status.ShouldBe(400, body.ToString());
        body.GetProperty("message").GetString()!.ShouldContain("too long to match");
    }
}
