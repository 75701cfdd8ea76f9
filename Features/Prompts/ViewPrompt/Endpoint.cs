using System.Text.Json.Nodes;
using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Prompts.ViewPrompt;

/// <summary>
/// GET /api/app/projects/{projectId}/prompts/{name}: a prompt with all its versions, newest first, for the page an
/// observation's prompt link opens (VIEWER and above). Content is as stored: references to other prompts unresolved.
/// </summary>
sealed class Endpoint(Access access, PromptService prompts) : Endpoint<Request, PromptPage>
{
    public override void Configure()
    {
        Get("projects/{projectId}/prompts/{name}");
        Group<WebApp>();
        Description(d => d.WithTags("Prompts").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = (await access.ProjectAsync(HttpContext.UserId(), r.ProjectId, Permission.ProjectRead, ct)).Project.Id;
        var name = HttpContext.Decoded("name"); // folder names carry %2F, which the binder leaves encoded
        var (head, versions) = await prompts.VersionsAsync(project, name, ct) ?? throw new ApiProblem(404, $"Prompt not found: '{name}'");
        await Send.OkAsync(new PromptPage(head.Name, head.Type, head.Tags, versions.Select(v =>
            new PromptVersion(v.Version, v.Labels, v.Content, v.Config, v.CommitMessage, v.CreatedBy, v.CreatedAt)).ToList()), ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string Name { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Name).NotEmpty().MaximumLength(1000);
    }
}

public sealed record PromptVersion(int Version, IReadOnlyList<string> Labels, JsonNode? Prompt, JsonNode? Config, string? CommitMessage, string CreatedBy,
    DateTimeOffset CreatedAt);

public sealed record PromptPage(string Name, string Type, IReadOnlyList<string> Tags, IReadOnlyList<PromptVersion> Versions);
