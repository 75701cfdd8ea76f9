using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Prompts.GetPrompt;

/// <summary>
/// GET /api/public/v2/prompts/{name}: by label or version (neither: production), references resolved unless
/// resolve=false. The answer is a <see cref="PromptView"/> serialised when it was cached, sent as it is.
/// </summary>
sealed class Endpoint(PromptService prompts) : Endpoint<Request, PromptView>
{
    public override void Configure()
    {
        Get("/api/public/v2/prompts/{name}");
        Description(d => d.WithTags("Prompts").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct) =>
        await Send.StringAsync(await prompts.GetJsonAsync(HttpContext.Project().ProjectId, HttpContext.Decoded("name"), r.Version, r.Label, r.Resolve, ct),
            contentType: "application/json; charset=utf-8", cancellation: ct);
}

public sealed record Request
{
    public string Name { get; init; } = "";
    [QueryParam] public int? Version { get; init; }
    [QueryParam] public string? Label { get; init; }
    /// <summary>false: references to other prompts are left as tags.</summary>
    [QueryParam] public bool Resolve { get; init; } = true;

    public sealed class Validator : Validator<Request>
    {
        // Version and label together are the prompt rules' refusal (PromptService), in Langfuse's words.
        public Validator() => RuleFor(r => r.Version).GreaterThan(0);
    }
}
