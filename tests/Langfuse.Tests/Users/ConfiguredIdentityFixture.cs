using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Users;

/// <summary>An instance configured as a self-hoster would: initial user, sign-up disabled, served over https.</summary>
public sealed class ConfiguredIdentityFixture : AppFixture
{
    public readonly string OrgId = "o-" + Guid.NewGuid().ToString("N")[..10];
    public readonly string InitEmail = $"init-{Guid.NewGuid():N}@example.test";
    public const string InitPassword = "initial password 1!";

    protected override IDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["LANGFUSE_INIT_ORG_ID"] = OrgId,
        ["LANGFUSE_INIT_ORG_NAME"] = "Initial org",
        ["LANGFUSE_INIT_PROJECT_ID"] = "p-" + OrgId,
        ["LANGFUSE_INIT_PROJECT_NAME"] = "Initial project",
        ["LANGFUSE_INIT_USER_EMAIL"] = InitEmail,
        ["LANGFUSE_INIT_USER_NAME"] = "Initial Admin",
        ["LANGFUSE_INIT_USER_PASSWORD"] = InitPassword,
        ["AUTH_DISABLE_SIGNUP"] = "true",
        ["NEXTAUTH_URL"] = "https://langfuse.example.test",
    };
}
