using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Prompts;

[CollectionDefinition(Name)]
public sealed class PromptsCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "prompts";
}
