using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Configuration;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.RateLimiting;
using Marten;
using Microsoft.AspNetCore.Identity;

namespace Langfuse.Features.Users;

/// <summary>Sign-up, sign-in and the account's own changes. Knows nothing of cookies: the endpoints make the session.</summary>
public sealed class Accounts(IDocumentStore store, Passwords passwords, RedisRateLimiter limiter, LangfuseSettings settings, Invitations invitations)
{
    public async Task<User> SignUpAsync(string email, string name, string password, CancellationToken ct)
    {
        email = User.Normalize(email);
        if (Passwords.Weakness(password, email) is { } weak) throw new ApiProblem(400, weak);
        await using var session = store.LightweightSession();
        // With sign-up disabled, an invitation is the only way in.
        if (settings.Identity.DisableSignup && !await invitations.AnyPendingAsync(session, email, ct))
            throw new ApiProblem(403, "Sign-up is disabled on this instance (AUTH_DISABLE_SIGNUP): ask an administrator for an invitation");
        if (await session.Query<User>().AnyAsync(u => u.Email == email, ct))
            throw new ApiProblem(409, "An account with this email already exists: sign in instead");
        var now = DateTimeOffset.UtcNow;
        var user = new User { Id = Guid.NewGuid().ToString(), Email = email, Name = name.Trim(), PasswordHash = passwords.Hash(password), CreatedAt = now, UpdatedAt = now };
        session.Store(user);
        await invitations.AcceptPendingAsync(session, user.Id, email, ct);
        try { await session.SaveChangesAsync(ct); }
        catch (Exception e) when (e.GetBaseException() is Npgsql.PostgresException { SqlState: "23505" })
        {
            throw new ApiProblem(409, "An account with this email already exists: sign in instead");
        }
        return user;
    }

    /// <summary>
    /// The same answer for an unknown email and a wrong password, after the same work (a decoy hash is verified), so
    /// a caller cannot learn which emails have accounts. Attempts are limited per email and per client address.
    /// </summary>
    public async Task<User> SignInAsync(string email, string password, string client, CancellationToken ct)
    {
        email = User.Normalize(email);
        var perAccount = await limiter.HitAsync("sign-in-account", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(email))), settings.Identity.SignInPerMinutePerAccount);
        var perClient = await limiter.HitAsync("sign-in-client", client, settings.Identity.SignInPerMinutePerClient);
        if (!perAccount.Allowed || !perClient.Allowed)
            throw new ApiProblem(429, "Too many sign-in attempts; wait a minute and try again")
            {
                RetryAfterSeconds = (int)Math.Ceiling(TimeSpan.FromTicks(Math.Max(perAccount.ResetIn.Ticks, perClient.ResetIn.Ticks)).TotalSeconds),
            };
        await using var session = store.LightweightSession();
        var user = await session.Query<User>().FirstOrDefaultAsync(u => u.Email == email, ct);
        var result = passwords.Verify(user, password);
        if (user is null || result == PasswordVerificationResult.Failed) throw new ApiProblem(401, "Invalid email or password");
        if (result == PasswordVerificationResult.SuccessRehashNeeded) user.PasswordHash = passwords.Hash(password);
        user.UpdatedAt = DateTimeOffset.UtcNow;
        session.Store(user);
        await invitations.AcceptPendingAsync(session, user.Id, email, ct);
        await session.SaveChangesAsync(ct);
        return user;
    }

    public async Task<User> RenameAsync(string userId, string name, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var user = await session.LoadAsync<User>(userId, ct) ?? throw new ApiProblem(401, "Sign in first");
        user.Name = name.Trim();
        user.UpdatedAt = DateTimeOffset.UtcNow;
        session.Store(user);
        await session.SaveChangesAsync(ct);
        return user;
    }

    public async Task<User> ChangePasswordAsync(string userId, string currentPassword, string newPassword, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var user = await session.LoadAsync<User>(userId, ct) ?? throw new ApiProblem(401, "Sign in first");
        if (passwords.Verify(user, currentPassword) == PasswordVerificationResult.Failed) throw new ApiProblem(400, "The current password is not correct");
        if (Passwords.Weakness(newPassword, user.Email) is { } weak) throw new ApiProblem(400, weak);
        user.PasswordHash = passwords.Hash(newPassword);
        user.UpdatedAt = DateTimeOffset.UtcNow;
        session.Store(user);
        await session.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>LANGFUSE_INIT_USER_*: the user is created once (a later change of the variables does not reset a password someone changed) and owns the initial organization.</summary>
    public async Task EnsureInitialUserAsync(InitUserSettings init, string organizationId, CancellationToken ct)
    {
        var email = User.Normalize(init.Email);
        await using var session = store.LightweightSession();
        var user = await session.Query<User>().FirstOrDefaultAsync(u => u.Email == email, ct);
        if (user is null)
        {
            if (Passwords.Weakness(init.Password, email) is { } weak) throw new ConfigurationException($"LANGFUSE_INIT_USER_PASSWORD: {weak}.");
            var now = DateTimeOffset.UtcNow;
            user = new User { Id = Guid.NewGuid().ToString(), Email = email, Name = init.Name, PasswordHash = passwords.Hash(init.Password), CreatedAt = now, UpdatedAt = now };
            session.Store(user);
        }
        Memberships.Ensure(session, organizationId, user.Id, Role.Owner);
        await session.SaveChangesAsync(ct);
    }
}
