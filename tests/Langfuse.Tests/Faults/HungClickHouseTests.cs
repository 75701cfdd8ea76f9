using Langfuse.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Langfuse.Tests.Faults;

[Collection(HungClickHouseCollection.Name)]
[Trait("Engine", "debian-only")] // five minutes of outage: run against the Debian server only
public sealed class HungClickHouseTests(HungClickHouseFixture app, ITestOutputHelper output) : LongOutageTests(app, output)
{
    protected override void BreakClickHouse(FaultProxy proxy) => proxy.Hang();

    [Fact]
    public Task ClickHouse_accepting_connections_but_not_answering_for_five_minutes_loses_nothing() => Every_event_accepted_during_the_outage_is_stored_and_none_is_dead_lettered();
}
