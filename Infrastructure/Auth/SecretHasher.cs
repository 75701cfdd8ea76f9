using System.Security.Cryptography;
using System.Text;
using Langfuse.Infrastructure.Configuration;

namespace Langfuse.Infrastructure.Auth;

/// <summary>
/// Langfuse's "fast hash" of a secret key: sha256_hex(secret ‖ sha256_hex(SALT)). Only this hash is stored,
/// it is what a key is looked up by, and keys hashed by Langfuse itself therefore keep working here.
/// </summary>
public sealed class SecretHasher(LangfuseSettings settings)
{
    readonly string _saltHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settings.Salt)));

    public string Hash(string secretKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secretKey + _saltHash)));

    /// <summary>The form shown in lists: sk-lf-...abcd.</summary>
    public static string DisplayForm(string secretKey) =>
        secretKey.Length <= 10 ? "sk-lf-..." : $"{secretKey[..6]}...{secretKey[^4..]}";
}
