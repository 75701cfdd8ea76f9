using System.Net;
using System.Net.Sockets;

namespace Langfuse.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder placed between the service and one store, to take that store "down" and bring it back
/// without touching the store other tests use: <see cref="Cut"/> drops every connection and refuses new ones.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly string _targetHost;
    readonly int _targetPort;
    readonly CancellationTokenSource _stop = new();
    readonly List<TcpClient> _open = [];
    volatile bool _cut;

    public FaultProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Cut()
    {
        _cut = true;
        lock (_open)
        {
            foreach (var client in _open) client.Dispose();
            _open.Clear();
        }
    }

    public void Restore() => _cut = false;

    async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try { inbound = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            if (_cut) { inbound.Client.LingerState = new LingerOption(true, 0); inbound.Dispose(); continue; }
            _ = Pipe(inbound);
        }
    }

    async Task Pipe(TcpClient inbound)
    {
        var outbound = new TcpClient();
        try { await outbound.ConnectAsync(_targetHost, _targetPort, _stop.Token); }
        catch (Exception) { inbound.Dispose(); outbound.Dispose(); return; }
        lock (_open) { _open.Add(inbound); _open.Add(outbound); }
        var a = inbound.GetStream();
        var b = outbound.GetStream();
        try { await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token)); }
        catch (Exception) { }
        finally { inbound.Dispose(); outbound.Dispose(); }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        return ValueTask.CompletedTask;
    }
}
