namespace Langfuse.Features.Users;

/// <summary>The signed-in user as the web app sees them (never the password hash).</summary>
public sealed record UserView(string Id, string Email, string Name)
{
    public static UserView Of(User u) => new(u.Id, u.Email, u.Name);
}
