using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Ingestion.Otel;

[CollectionDefinition(Name)]
public sealed class OtelCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "otel";
}
