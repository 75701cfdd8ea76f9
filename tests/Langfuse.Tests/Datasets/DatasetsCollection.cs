using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Datasets;

[CollectionDefinition(Name)]
public sealed class DatasetsCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "datasets";
}
