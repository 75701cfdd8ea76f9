using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Users.SignIn;

/// <summary>
/// POST /api/app/auth/sign-in: a new session (the cookie is rotated: an older session of this browser ends).
/// 401 "Invalid email or password" whether or not the email has an account; 429 past the attempt limits.
/// </summary>
sealed class Endpoint(Accounts accounts, WebSessionStore sessions) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("auth/sign-in");
        Group<WebApp>();
        AllowAnonymous();
        Description(d => d.WithTags("Account").Produces(401).Produces(429));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var client = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var user = await accounts.SignInAsync(r.Email, r.Password, client, ct);
        await sessions.SignInAsync(HttpContext, user.Id, user.Email, user.Name);
        await Send.OkAsync(new Response(UserView.Of(user)), ct);
    }
}

public sealed record Request
{
    public string Email { get; init; } = "";
    public string Password { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).NotEmpty().MaximumLength(320);
            RuleFor(r => r.Password).NotEmpty().MaximumLength(Passwords.MaxLength);
        }
    }
}

public sealed record Response(UserView User);
