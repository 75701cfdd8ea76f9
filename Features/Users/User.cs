namespace Langfuse.Features.Users;

/// <summary>A person who signs in to the web app. The email is kept lower-case and is unique.</summary>
public sealed class User
{
    public string Id { get; set; } = "";
    public string Email { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>ASP.NET Core Identity's PBKDF2 format (algorithm, rounds and salt inside), never the password.</summary>
    public string PasswordHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
