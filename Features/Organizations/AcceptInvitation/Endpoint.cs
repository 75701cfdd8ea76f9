using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Marten;

namespace Langfuse.Features.Organizations.AcceptInvitation;

/// <summary>
/// POST /api/app/invitations/{invitationId}/accept: the invitation link, for the signed-in user it was sent to.
/// 404 unknown (or revoked, or already accepted), 410 expired, 403 sent to another email.
/// </summary>
sealed class Endpoint(IDocumentSession session, Invitations invitations) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("invitations/{invitationId}/accept");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations").Produces(404).Produces(410));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var email = Users.User.Normalize(HttpContext.User.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value ?? "");
        var organizationId = await invitations.AcceptByIdAsync(session, r.InvitationId, HttpContext.UserId(), email, ct);
        await session.SaveChangesAsync(ct);
        await Send.OkAsync(new Response(organizationId), ct);
    }
}

public sealed record Request
{
    public string InvitationId { get; init; } = "";
}

public sealed record Response(string OrganizationId);
