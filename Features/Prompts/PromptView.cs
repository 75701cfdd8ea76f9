using System.Text.Json.Nodes;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Prompts;

/// <summary>Langfuse's Prompt object (a text prompt's `prompt` is a string, a chat prompt's a list of messages).</summary>
public sealed record PromptView(string Id, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string ProjectId, string CreatedBy, string Name, int Version,
    [property: OneOf(PromptTypes.Text, PromptTypes.Chat)] string Type, JsonNode? Prompt, JsonNode Config, IReadOnlyList<string> Labels,
    IReadOnlyList<string> Tags, string? CommitMessage, JsonNode? ResolutionGraph, bool IsActive)
{
    public static PromptView Of(Prompt p, PromptHead? head, string projectId, JsonObject? graph) => new(p.Id, p.CreatedAt, p.UpdatedAt, projectId,
        p.CreatedBy, p.Name, p.Version, p.Type, p.Content, p.Config ?? new JsonObject(), p.Labels, head?.Tags ?? [], p.CommitMessage, graph,
        p.Labels.Contains(PromptRules.Production));
}

/// <summary>A prompt name in the list: its versions, their labels, its tags.</summary>
public sealed record PromptMeta([property: OneOf(PromptTypes.Text, PromptTypes.Chat)] string Type, string Name, IReadOnlyList<int> Versions,
    IReadOnlyList<string> Labels, IReadOnlyList<string> Tags, DateTimeOffset LastUpdatedAt, JsonNode LastConfig);

public static class PromptTypes
{
    public const string Text = "text", Chat = "chat";
}
