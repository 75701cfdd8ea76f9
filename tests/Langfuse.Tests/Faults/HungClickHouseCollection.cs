namespace Langfuse.Tests.Faults;

[CollectionDefinition(Name)]
public sealed class HungClickHouseCollection : ICollectionFixture<HungClickHouseFixture> { public const string Name = "clickhouse hung"; }
