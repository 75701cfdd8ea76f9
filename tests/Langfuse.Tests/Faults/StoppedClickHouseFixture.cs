namespace Langfuse.Tests.Faults;

public sealed class StoppedClickHouseFixture : OutageFixture;
