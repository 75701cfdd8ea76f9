using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Projects.AdminApi;
using Langfuse.Infrastructure.Auth;

namespace Langfuse.Features.Organizations.AdminApi.DeleteMembership;

/// <summary>DELETE /api/public/organizations/memberships (organization key): {userId} → {message, userId}.</summary>
sealed class Endpoint(Memberships memberships) : Endpoint<Request, MembershipDeletionResponse>
{
    public override void Configure()
    {
        Delete("organizations/memberships");
        Group<Langfuse.Infrastructure.Http.AdminApi>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var key = HttpContext.OrganizationKey();
        await memberships.RemoveAsync(Requester.OrganizationKey(key.ApiKeyId), key.OrganizationId, r.UserId, ct);
        await Send.OkAsync(new MembershipDeletionResponse("Membership deleted successfully", r.UserId), ct);
    }
}

public sealed record Request
{
    public string UserId { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.UserId).NotEmpty();
    }
}
