using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace Langfuse.Features.Users.GetCsrfToken;

/// <summary>
/// GET /api/app/auth/csrf: the token to send in the x-csrf-token header of every state-changing request. It is bound
/// to the current session (or to no session, for sign-in and sign-up): fetch a new one after signing in or out.
/// </summary>
sealed class Endpoint(IAntiforgery antiforgery) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("auth/csrf");
        Group<WebApp>();
        AllowAnonymous();
        Description(d => d.WithTags("Account"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var session = await HttpContext.AuthenticateAsync(WebSessions.Scheme);
        HttpContext.User = session.Succeeded ? session.Principal! : new System.Security.Claims.ClaimsPrincipal();
        var tokens = antiforgery.GetAndStoreTokens(HttpContext);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(new Response(tokens.RequestToken!), ct);
    }
}

public sealed record Response(string CsrfToken);
