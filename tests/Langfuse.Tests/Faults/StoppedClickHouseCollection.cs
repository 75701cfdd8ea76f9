namespace Langfuse.Tests.Faults;

[CollectionDefinition(Name)]
public sealed class StoppedClickHouseCollection : ICollectionFixture<StoppedClickHouseFixture> { public const string Name = "clickhouse stopped"; }
