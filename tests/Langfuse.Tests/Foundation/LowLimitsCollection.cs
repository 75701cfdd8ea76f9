namespace Langfuse.Tests.Foundation;

[CollectionDefinition(Name)]
public sealed class LowLimitsCollection : ICollectionFixture<LowLimitsFixture> { public const string Name = "low limits"; }
