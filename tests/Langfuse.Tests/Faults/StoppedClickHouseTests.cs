using Langfuse.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Langfuse.Tests.Faults;

[Collection(StoppedClickHouseCollection.Name)]
[Trait("Engine", "debian-only")] // five minutes of outage: run against the Debian server only
public sealed class StoppedClickHouseTests(StoppedClickHouseFixture app, ITestOutputHelper output) : LongOutageTests(app, output)
{
    protected override void BreakClickHouse(FaultProxy proxy) => proxy.Cut();

    [Fact]
    public Task ClickHouse_refusing_connections_for_five_minutes_loses_nothing() => Every_event_accepted_during_the_outage_is_stored_and_none_is_dead_lettered();
}
