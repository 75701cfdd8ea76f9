using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Langfuse.Tests.Infrastructure;

/// <summary>
/// A Redis server of a test's own (AOF on, as ./run.sh runs it), so a fault test can restart it, or fill its streams,
/// without disturbing the Redis every other test shares.
/// </summary>
public sealed class PrivateRedis : IAsyncDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "langfuse-test-redis-" + Guid.NewGuid().ToString("N")[..8]);
    Process? _process;
    public int Port { get; }
    public string ConnectionString => $"redis://127.0.0.1:{Port}";

    PrivateRedis(int port) => Port = port;

    public static async Task<PrivateRedis> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var redis = new PrivateRedis(port);
        Directory.CreateDirectory(redis._dir);
        await redis.LaunchAsync();
        return redis;
    }

    async Task LaunchAsync()
    {
        _process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _dir, "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        await Eventually.Async(async () =>
        {
            try
            {
                await using var c = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=500");
                await c.GetDatabase().PingAsync();
                return true;
            }
            catch (RedisConnectionException) { return false; }
            catch (RedisServerException e) when (e.Message.StartsWith("LOADING", StringComparison.Ordinal)) { return false; } // replaying its AOF
        }, TimeSpan.FromSeconds(20), "private Redis did not start");
    }

    public async Task<ConnectionMultiplexer> ConnectAsync() => await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port}");

    /// <summary>A clean restart: SHUTDOWN (which flushes the append-only file), then start again on the same data.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync();
    }

    /// <summary>Stops the server (a clean SHUTDOWN); <see cref="StartAgainAsync"/> brings it back on the same data.</summary>
    public async Task StopAsync()
    {
        await using (var c = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},allowAdmin=true"))
        {
            try { c.GetServer($"127.0.0.1:{Port}").Shutdown(); } catch (RedisConnectionException) { }
        }
        await _process!.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public Task StartAgainAsync() => LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) { _process.Kill(); await _process.WaitForExitAsync(); }
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
