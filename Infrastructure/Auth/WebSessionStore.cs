using System.Security.Claims;
using System.Security.Cryptography;
using Marten;
using Marten.Patching;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Langfuse.Infrastructure.Auth;

/// <summary>A signed-in browser session. Its id travels in the (encrypted) cookie; signing out deletes the row.</summary>
public sealed class WebSession
{
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// Sessions kept in Postgres: a cookie is only good while its session row exists, so sign-out and a password change
/// end a session everywhere at once (a self-contained cookie would stay valid until it expires), and every instance
/// sees the same sessions. Every sign-in starts a new session id: a cookie fixed or copied before it is worth nothing.
/// One primary-key read per web request; the public API never comes here.
/// </summary>
public sealed class WebSessionStore(IDocumentStore store, Configuration.LangfuseSettings settings)
{
    public const string SessionClaim = "langfuse_session";
    const string ValidatedItem = "langfuse.session.validated";
    TimeSpan MaxAge => TimeSpan.FromMinutes(settings.Identity.SessionMaxAgeMinutes);

    /// <summary>Ends the browser's current session (if any) and starts a new one for the user.</summary>
    public async Task SignInAsync(HttpContext http, string userId, string email, string name)
    {
        var current = await http.AuthenticateAsync(WebSessions.Scheme);
        await using var session = store.LightweightSession();
        if (current.Principal?.FindFirstValue(SessionClaim) is { } old) session.Delete<WebSession>(old);
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow;
        session.Store(new WebSession { Id = id, UserId = userId, CreatedAt = now, ExpiresAt = now + MaxAge });
        await session.SaveChangesAsync(http.RequestAborted);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Email, email), new Claim(ClaimTypes.Name, name), new Claim(SessionClaim, id)],
            WebSessions.Scheme));
        await http.SignInAsync(WebSessions.Scheme, principal, new AuthenticationProperties { IsPersistent = true });
    }

    public async Task SignOutAsync(HttpContext http)
    {
        var current = await http.AuthenticateAsync(WebSessions.Scheme);
        if (current.Principal?.FindFirstValue(SessionClaim) is { } id)
        {
            await using var session = store.LightweightSession();
            session.Delete<WebSession>(id);
            await session.SaveChangesAsync(http.RequestAborted);
        }
        await http.SignOutAsync(WebSessions.Scheme);
    }

    public async Task EndAllAsync(string userId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.DeleteWhere<WebSession>(s => s.UserId == userId);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Run for every cookie: rejected unless its session row exists and has not expired; renewed past half its age.</summary>
    internal async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(SessionClaim);
        if (id is null)
        {
            context.RejectPrincipal();
            return;
        }
        // A request authenticates the cookie more than once (CSRF check, authorization, sign-in): one read is enough.
        var items = context.HttpContext.Items;
        if (items.TryGetValue(ValidatedItem, out var validated) && Equals(validated, id)) return;
        await using var session = store.LightweightSession();
        var row = await session.LoadAsync<WebSession>(id, context.HttpContext.RequestAborted);
        var now = DateTimeOffset.UtcNow;
        if (row is null || row.ExpiresAt <= now)
        {
            context.RejectPrincipal();
            return;
        }
        if (row.ExpiresAt - now < MaxAge / 2)
        {
            session.Patch<WebSession>(id).Set(s => s.ExpiresAt, now + MaxAge);
            await session.SaveChangesAsync(context.HttpContext.RequestAborted);
        }
        items[ValidatedItem] = id;
    }
}
