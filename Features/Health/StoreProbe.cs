using Langfuse.Infrastructure.ClickHouse;
using Npgsql;
using StackExchange.Redis;

namespace Langfuse.Features.Health;

/// <summary>Asks each store for a round trip, all at once, each bounded by a short timeout.</summary>
public sealed class StoreProbe(NpgsqlDataSource postgres, ClickHouseGateway clickHouse, IConnectionMultiplexer redis)
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<string>> UnavailableStoresAsync(CancellationToken ct)
    {
        var checks = new (string Name, Task<bool> Ok)[]
        {
            ("Postgres", Probe(async t => { await using var cmd = postgres.CreateCommand("SELECT 1"); await cmd.ExecuteScalarAsync(t); return true; }, ct)),
            ("ClickHouse", Probe(t => clickHouse.PingAsync(t), ct)),
            ("Redis", Probe(async _ => { await redis.GetDatabase().PingAsync(); return true; }, ct)),
        };
        await Task.WhenAll(checks.Select(c => c.Ok));
        return checks.Where(c => !c.Ok.Result).Select(c => c.Name).ToList();
    }

    static async Task<bool> Probe(Func<CancellationToken, Task<bool>> check, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try { return await check(timeout.Token).WaitAsync(timeout.Token); }
        catch (Exception) { return false; }
    }
}
