namespace Langfuse.Tests.Users;

[CollectionDefinition(Name)]
public sealed class ConfiguredIdentityCollection : ICollectionFixture<ConfiguredIdentityFixture>
{
    public const string Name = "configured identity";
}
