using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Users.UpdateAccount;

/// <summary>PATCH /api/app/account: the signed-in user's display name.</summary>
sealed class Endpoint(Accounts accounts) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Patch("account");
        Group<WebApp>();
        Description(d => d.WithTags("Account"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct) =>
        await Send.OkAsync(new Response(UserView.Of(await accounts.RenameAsync(HttpContext.UserId(), r.Name, ct))), ct);
}

public sealed record Request
{
    public string Name { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
    }
}

public sealed record Response(UserView User);
