using System.Net;
using System.Net.Sockets;

namespace Langfuse.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder placed between the service and one store, to take that store "down" and bring it back
/// without touching the store other tests use: <see cref="Cut"/> drops every connection and refuses new ones;
/// <see cref="Hang"/> keeps accepting connections but passes nothing on either way (a store that is up but stuck).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly string _targetHost;
    readonly int _targetPort;
    readonly CancellationTokenSource _stop = new();
    readonly List<TcpClient> _open = [];
    volatile bool _cut;
    volatile TaskCompletionSource? _hung;

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

    public void Hang() => _hung ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Restore()
    {
        _cut = false;
        var hung = _hung;
        _hung = null;
        hung?.TrySetResult();
    }

    Task WhileHung() => _hung?.Task ?? Task.CompletedTask;

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
        try { await Task.WhenAny(Copy(a, b), Copy(b, a)); }
        catch (Exception) { }
        finally { inbound.Dispose(); outbound.Dispose(); }
    }

    async Task Copy(Stream from, Stream to)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            await WhileHung().WaitAsync(_stop.Token);
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0) return;
            await WhileHung().WaitAsync(_stop.Token); // what was read while hung is held back, not passed on
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        return ValueTask.CompletedTask;
    }
}
