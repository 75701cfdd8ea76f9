namespace Langfuse.Tests.Health;

[CollectionDefinition(Name)]
public sealed class FaultyStoresCollection : ICollectionFixture<FaultyStoresFixture>
{
    public const string Name = "faulty-stores";
}
