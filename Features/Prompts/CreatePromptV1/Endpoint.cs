using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Prompts.CreatePromptV1;

/// <summary>POST /api/public/prompts (v1, older SDKs): as v2, with isActive in place of labels (active: production).</summary>
sealed class Endpoint(PromptService prompts) : Endpoint<Request, PromptView>
{
    public override void Configure()
    {
        Post("/api/public/prompts");
        Options(b => b.WithMetadata(new JsonBodyLimit(1_048_576)));
        Description(d => d.WithTags("Prompts"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var command = r.Command() with { Labels = r.IsActive == true ? [PromptRules.Production] : [] };
        await Send.ResponseAsync(await prompts.CreateAsync(HttpContext.Project().ProjectId, command, ct), 201, ct);
    }
}

public sealed record Request : CreatePrompt.Request
{
    public bool? IsActive { get; init; }
}
