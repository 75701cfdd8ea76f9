using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Langfuse.Infrastructure.Persistence;

namespace Langfuse.Features.Prompts;

/// <summary>One version of a prompt. Project-owned: stored with Marten's conjoined tenancy.</summary>
public sealed class Prompt : IProjectOwned
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public int Version { get; set; }
    public string Type { get; set; } = "text";
    public JsonNode? Content { get; set; }
    public JsonNode? Config { get; set; }
    public List<string> Labels { get; set; } = [];
    public string? CommitMessage { get; set; }
    public string CreatedBy { get; set; } = "API";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Names of the prompts this version references with @@@langfusePrompt:…@@@ tags, for dependency checks.</summary>
    public List<string> DependencyNames { get; set; } = [];
}

/// <summary>
/// The head of a prompt name: its latest version and its tags (shared by all versions). Every write to a name's
/// versions also writes its head under optimistic concurrency, so concurrent writers of one name are serialised
/// by the store: one wins, the other retries and gets the next version.
/// </summary>
public sealed class PromptHead : IProjectOwned
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public int LatestVersion { get; set; }
    public string Type { get; set; } = "text";
    public List<string> Tags { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }

    public static string IdFor(string name) =>
        "ph-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..32];
}
