using Langfuse.Infrastructure.Configuration;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Langfuse.Features.Users;

/// <summary>
/// ASP.NET Core Identity's password hasher (PBKDF2-HMAC-SHA512, random salt, rounds in the hash): the rounds are set
/// by LANGFUSE_PASSWORD_HASH_ITERATIONS, and a hash made with fewer rounds is upgraded at the next sign-in.
/// </summary>
public sealed class Passwords(LangfuseSettings settings)
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    readonly PasswordHasher<User> _hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3, IterationCount = settings.Identity.PasswordHashIterations,
    }));

    /// <summary>A hash of a password nobody has: verified against when the email is unknown, so both cases take as long.</summary>
    readonly Lazy<string> _decoy = new(() => new PasswordHasher<User>().HashPassword(new User(), Guid.NewGuid().ToString()));

    public string Hash(string password) => _hasher.HashPassword(new User(), password);

    public PasswordVerificationResult Verify(User? user, string password)
    {
        if (user is null)
        {
            _hasher.VerifyHashedPassword(new User(), _decoy.Value, password);
            return PasswordVerificationResult.Failed;
        }
        return _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
    }

    /// <summary>The documented minimum: 8 to 128 characters with a letter, a digit and a symbol, and not the email address.</summary>
    public static string? Weakness(string password, string email)
    {
        if (password.Length < MinLength) return $"Password must be at least {MinLength} characters long";
        if (password.Length > MaxLength) return $"Password must be at most {MaxLength} characters long";
        if (!password.Any(char.IsLetter) || !password.Any(char.IsDigit) || password.All(char.IsLetterOrDigit))
            return "Password must contain a letter, a digit and a symbol";
        if (string.Equals(password, email, StringComparison.OrdinalIgnoreCase)) return "Password must not be the email address";
        return null;
    }
}
