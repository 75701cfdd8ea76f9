using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Tracing;

[CollectionDefinition(Name)]
public sealed class ReadsCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "reads";
}
