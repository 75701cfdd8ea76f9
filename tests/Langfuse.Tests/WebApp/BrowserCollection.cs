using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.WebApp;

/// <summary>
/// Browser tests run alone, after the parallel collections: Chromium, Node and a service process take both cores for
/// their 15 seconds, and the other tests' ingestion deadlines would pay for it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "browser";
}
