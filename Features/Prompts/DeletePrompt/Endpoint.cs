using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Prompts.DeletePrompt;

/// <summary>DELETE /api/public/v2/prompts/{name}[?version=|label=]: 204; refused while other prompts reference what would go.</summary>
sealed class Endpoint(PromptService prompts) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/api/public/v2/prompts/{name}");
        Description(d => d.WithTags("Prompts").Produces(204).Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        await prompts.DeleteAsync(HttpContext.Project().ProjectId, HttpContext.Decoded("name"), r.Version, r.Label, ct);
        await Send.NoContentAsync(ct);
    }
}

public sealed record Request
{
    public string Name { get; init; } = "";
    [QueryParam] public int? Version { get; init; }
    [QueryParam] public string? Label { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Version).GreaterThan(0);
    }
}
