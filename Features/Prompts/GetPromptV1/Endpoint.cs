using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;

namespace Langfuse.Features.Prompts.GetPromptV1;

/// <summary>GET /api/public/prompts?name=&amp;version= (v1, older SDKs): a version, or the production one.</summary>
sealed class Endpoint(PromptService prompts) : Endpoint<Request, PromptView>
{
    public override void Configure()
    {
        Get("/api/public/prompts");
        Description(d => d.WithTags("Prompts").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct) =>
        await Send.StringAsync(await prompts.GetJsonAsync(HttpContext.Project().ProjectId, r.Name, r.Version, null, true, ct),
            contentType: "application/json; charset=utf-8", cancellation: ct);
}

public sealed record Request
{
    [QueryParam] public string Name { get; init; } = "";
    [QueryParam] public int? Version { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty();
            RuleFor(r => r.Version).GreaterThan(0);
        }
    }
}
