using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Users.ChangePassword;

/// <summary>
/// POST /api/app/account/password: needs the current password; every session of the user ends (a stolen session
/// dies with the old password) and this browser gets a fresh one.
/// </summary>
sealed class Endpoint(Accounts accounts, WebSessionStore sessions) : Endpoint<Request>
{
    public override void Configure()
    {
        Post("account/password");
        Group<WebApp>();
        Description(d => d.WithTags("Account").Produces(204).Produces(400));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var user = await accounts.ChangePasswordAsync(HttpContext.UserId(), r.CurrentPassword, r.NewPassword, ct);
        await sessions.EndAllAsync(user.Id, ct);
        await sessions.SignInAsync(HttpContext, user.Id, user.Email, user.Name);
        await Send.NoContentAsync(ct);
    }
}

public sealed record Request
{
    public string CurrentPassword { get; init; } = "";
    public string NewPassword { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.CurrentPassword).NotEmpty().MaximumLength(Passwords.MaxLength);
            RuleFor(r => r.NewPassword).NotEmpty().MaximumLength(Passwords.MaxLength);
        }
    }
}
