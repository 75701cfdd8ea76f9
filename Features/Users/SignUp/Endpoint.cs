using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Users.SignUp;

/// <summary>POST /api/app/auth/sign-up: creates the account, accepts pending invitations for its email, signs in.</summary>
sealed class Endpoint(Accounts accounts, WebSessionStore sessions) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("auth/sign-up");
        Group<WebApp>();
        AllowAnonymous();
        Description(d => d.WithTags("Account").Produces(409).Produces(403));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var user = await accounts.SignUpAsync(r.Email, r.Name, r.Password, ct);
        await sessions.SignInAsync(HttpContext, user.Id, user.Email, user.Name);
        await Send.ResponseAsync(new Response(UserView.Of(user)), 201, ct);
    }
}

public sealed record Request
{
    public string Email { get; init; } = "";
    public string Name { get; init; } = "";
    public string Password { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).NotEmpty().MaximumLength(320).EmailAddress();
            RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Password).NotEmpty().MaximumLength(Passwords.MaxLength);
        }
    }
}

public sealed record Response(UserView User);
