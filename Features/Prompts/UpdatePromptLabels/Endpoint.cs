using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Prompts.UpdatePromptLabels;

/// <summary>PATCH /api/public/v2/prompts/{name}/versions/{version}: {"newLabels": [...]} moves those labels to this version.</summary>
sealed class Endpoint(PromptService prompts) : Endpoint<Request, PromptView>
{
    public override void Configure()
    {
        Patch("/api/public/v2/prompts/{name}/versions/{version}");
        Options(b => b.WithMetadata(new JsonBodyLimit(1_048_576)));
        Description(d => d.WithTags("PromptVersion").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct) =>
        await Send.OkAsync(await prompts.UpdateLabelsAsync(HttpContext.Project().ProjectId, HttpContext.Decoded("name"), r.Version, r.NewLabels!, ct), ct);
}

public sealed record Request
{
    public string Name { get; init; } = "";
    public int Version { get; init; }
    public List<string>? NewLabels { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.NewLabels).NotNull().WithMessage("newLabels: required list of strings");
    }
}
