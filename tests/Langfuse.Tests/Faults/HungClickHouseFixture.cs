namespace Langfuse.Tests.Faults;

public sealed class HungClickHouseFixture : OutageFixture;
