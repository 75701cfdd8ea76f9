using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Langfuse.Tests.Infrastructure;

/// <summary>
/// The service as a separate OS process on a real port, on the same stores as the test hosts: what external clients
/// (Node SDKs, OTLP exporters) talk to, and what fault tests kill.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();
    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public string Output { get { lock (_output) return _output.ToString(); } }

    ServiceProcess(Process process, int port) { _process = process; Port = port; }

    public static async Task<ServiceProcess> StartAsync(IDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "Langfuse.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["PORT"] = port.ToString();
        start.Environment["HOSTNAME"] = "127.0.0.1";
        start.Environment["LANGFUSE_LOG_LEVEL"] = "warn";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        var service = new ServiceProcess(process, port);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.Async(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"The service exited with {process.ExitCode}: {service.Output}");
            try { return (await http.GetAsync(service.BaseUrl + "/api/public/health")).StatusCode == HttpStatusCode.OK; }
            catch (HttpRequestException) { return false; }
            catch (TaskCanceledException) { return false; }
        }, TimeSpan.FromSeconds(60), "the service process did not become healthy");
        return service;
    }

    void Append(string? line) { if (line is not null) lock (_output) _output.AppendLine(line); }

    /// <summary>SIGKILL: no shutdown hooks, no draining; what a crashed or OOM-killed worker looks like.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// SIGTERM, as an orchestrator stops a container: the service stops consuming and hands back what it holds, so
    /// entries of the shared test stream are not left pending for other hosts. SIGKILL only if it does not exit.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString()])))
                await term!.WaitForExitAsync();
            try { await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (TimeoutException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        }
        _process.Dispose();
    }
}

/// <summary>Runs a Node script from tests/js with the given environment; returns its exit code and output.</summary>
public static class Node
{
    public static string JsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "tests", "js", "node_modules"))) return Path.Combine(dir.FullName, "tests", "js");
            throw new DirectoryNotFoundException("tests/js/node_modules is missing: ./test.sh installs it with npm.");
        }
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, IDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node", [script])
        {
            WorkingDirectory = JsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try { await process.WaitForExitAsync().WaitAsync(timeout); }
        catch (TimeoutException) { process.Kill(true); throw new TimeoutException($"{script} did not finish: {await stderr}"); }
        return (process.ExitCode, await stdout, await stderr);
    }
}
