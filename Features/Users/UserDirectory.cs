using Marten;

namespace Langfuse.Features.Users;

/// <summary>What other slices may know of users: who has an email, and names and emails to show beside memberships.</summary>
public sealed record UserSummary(string Id, string Email, string Name);

public static class UserDirectory
{
    public static async Task<UserSummary?> FindByEmailAsync(IQuerySession session, string email, CancellationToken ct)
    {
        var normalized = User.Normalize(email);
        var user = await session.Query<User>().FirstOrDefaultAsync(u => u.Email == normalized, ct);
        return user is null ? null : new UserSummary(user.Id, user.Email, user.Name);
    }

    public static async Task<UserSummary?> FindAsync(IQuerySession session, string userId, CancellationToken ct) =>
        await session.LoadAsync<User>(userId, ct) is { } u ? new UserSummary(u.Id, u.Email, u.Name) : null;

    public static async Task<Dictionary<string, UserSummary>> LoadAsync(IQuerySession session, IEnumerable<string> userIds, CancellationToken ct) =>
        (await session.LoadManyAsync<User>(ct, userIds.Distinct().ToArray())).ToDictionary(u => u.Id, u => new UserSummary(u.Id, u.Email, u.Name));
}
