using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Organizations.CreateOrganization;

/// <summary>POST /api/app/organizations: any signed-in user may create one, and becomes its OWNER.</summary>
sealed class Endpoint(OrganizationAdmin organizations) : Endpoint<Request, OrganizationItem>
{
    public override void Configure()
    {
        Post("organizations");
        Group<WebApp>();
        Description(d => d.WithTags("Organizations"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct) =>
        await Send.ResponseAsync(OrganizationItem.Of(await organizations.CreateAsync(HttpContext.UserId(), r.Name, ct)), 201, ct);
}

public sealed record Request
{
    public string Name { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Name).NotEmpty().MaximumLength(OrganizationAdmin.MaxNameLength).Must(n => n.Trim().Length > 0);
    }
}
