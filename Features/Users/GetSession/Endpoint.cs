using FastEndpoints;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Marten;

namespace Langfuse.Features.Users.GetSession;

/// <summary>GET /api/app/auth/session: who is signed in, and the organizations and projects they can open (401 when nobody is).</summary>
sealed class Endpoint(IQuerySession session, MyOrganizations organizations) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("auth/session");
        Group<WebApp>();
        Description(d => d.WithTags("Account").Produces(401));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var userId = HttpContext.UserId();
        var user = await session.LoadAsync<User>(userId, ct);
        if (user is null)
        {
            await Send.UnauthorizedAsync(ct);
            return;
        }
        await Send.OkAsync(new Response(UserView.Of(user), await organizations.ForUserAsync(userId, ct)), ct);
    }
}

public sealed record Response(UserView User, IReadOnlyList<OrganizationSummary> Organizations);
