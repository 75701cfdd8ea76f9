using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Users.SignOut;

/// <summary>POST /api/app/auth/sign-out: ends the session on the server (the cookie stops working everywhere) and clears it.</summary>
sealed class Endpoint(WebSessionStore sessions) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("auth/sign-out");
        Group<WebApp>();
        AllowAnonymous();
        Description(d => d.WithTags("Account"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await sessions.SignOutAsync(HttpContext);
        await Send.NoContentAsync(ct);
    }
}
