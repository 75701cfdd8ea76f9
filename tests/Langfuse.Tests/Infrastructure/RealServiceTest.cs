using System.Text.Json;

namespace Langfuse.Tests.Infrastructure;

/// <summary>
/// A test class that talks to the service as an external client would: the service runs as its own process on a
/// real port, in a project of the class's own; Node scripts in tests/js drive the real SDKs against it.
/// </summary>
public abstract class RealServiceTest(AppFixture app) : IAsyncLifetime
{
    protected AppFixture App { get; } = app;
    protected TestProject Project { get; private set; } = null!;
    protected ServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Project = await App.CreateProjectAsync();
        Service = await ServiceProcess.StartAsync();
    }

    public async Task DisposeAsync() => await Service.DisposeAsync();

    /// <summary>GET on the service process with the project's credentials; null unless 2xx.</summary>
    protected async Task<JsonElement?> GetFromServiceAsync(string path)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = Project.Header;
        var response = await http.GetAsync(Service.BaseUrl + path);
        return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : null;
    }

    /// <summary>Runs tests/js/<paramref name="script"/> with the project's keys; fails on a non-zero exit; returns its last JSON line.</summary>
    protected async Task<JsonElement> RunNodeAsync(string script, string runId)
    {
        var (exit, stdout, stderr) = await Node.RunAsync(script, new Dictionary<string, string>
        {
            ["LANGFUSE_BASEURL"] = Service.BaseUrl,
            ["LANGFUSE_PUBLIC_KEY"] = Project.PublicKey,
            ["LANGFUSE_SECRET_KEY"] = Project.SecretKey,
            ["RUN_ID"] = runId,
        }, TimeSpan.FromSeconds(60));
        exit.ShouldBe(0, $"{script} failed: {stderr}\n{stdout}");
        return JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.Clone();
    }
}
