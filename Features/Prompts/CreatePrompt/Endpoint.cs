using System.Text.Json.Nodes;
using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Prompts.CreatePrompt;

/// <summary>POST /api/public/v2/prompts: the next version of a prompt name (201).</summary>
sealed class Endpoint(PromptService prompts) : Endpoint<Request, PromptView>
{
    public override void Configure()
    {
        Post("/api/public/v2/prompts");
        Options(b => b.WithMetadata(new JsonBodyLimit(1_048_576)));
        Description(d => d.WithTags("Prompts"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct) =>
        await Send.ResponseAsync(await prompts.CreateAsync(HttpContext.Project().ProjectId, r.Command(), ct), 201, ct);
}

/// <summary>Langfuse's CreatePromptRequest: a text prompt (a string) or a chat prompt (a list of messages).</summary>
public record Request
{
    public string? Name { get; init; }
    public JsonNode? Prompt { get; init; }
    [OneOf(PromptTypes.Text, PromptTypes.Chat)] public string? Type { get; init; }
    public JsonNode? Config { get; init; }
    public List<string>? Labels { get; init; }
    public List<string>? Tags { get; init; }
    public string? CommitMessage { get; init; }

    public NewPromptVersion Command() => new(Name, Prompt, Type, Config, Labels, Tags, CommitMessage);

    public sealed class Validator : Validator<Request>
    {
        // Name, content, labels and references are the prompt rules' own checks (PromptRules), which every caller meets.
        public Validator() => RuleFor(r => r.Type).Must(t => t is null or PromptTypes.Text or PromptTypes.Chat).WithMessage("type must be text or chat");
    }
}
