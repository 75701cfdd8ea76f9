using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Langfuse.Features.Prompts;

/// <summary>A rule violation, with the HTTP status Langfuse answers it with.</summary>
public sealed class PromptException(int status, string message) : Langfuse.Infrastructure.Errors.ApiProblem(status, message);

/// <summary>Langfuse's prompt rules: names, labels, chat messages, and @@@langfusePrompt@@@ references.</summary>
public static partial class PromptRules
{
    public const string Latest = "latest";
    public const string Production = "production";
    public const int MaxDepth = 5;
    /// <summary>Distinct references in one prompt: each is resolved on every read, so their number is bounded too.</summary>
    public const int MaxReferences = 50;

    [GeneratedRegex(@"^[a-z0-9_\-.]{1,36}$")]
    private static partial Regex LabelPattern();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"@@@langfusePrompt:name=([^|@]+)\|(version|label)=([^@]+)@@@")]
    public static partial Regex ReferenceTag();

    public sealed record Reference(string Tag, string Name, int? Version, string? Label);

    public static void ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new PromptException(400, "name: must not be empty");
        if (name.Contains('|')) throw new PromptException(400, "name: must not contain '|'");
        if (HtmlTag().IsMatch(name)) throw new PromptException(400, "name: must not contain HTML tags");
        if (name is "new" or "metrics" or "prompt-detail") throw new PromptException(400, $"name: '{name}' is reserved");
        if (name.StartsWith('/') || name.EndsWith('/') || name.Contains("//")) throw new PromptException(400, "name: folder segments must not be empty");
    }

    public static void ValidateLabels(IEnumerable<string> labels, bool allowLatest)
    {
        foreach (var label in labels)
        {
            if (!LabelPattern().IsMatch(label)) throw new PromptException(400, $"labels: '{label}' must match ^[a-z0-9_\\-.]+$ and have at most 36 characters");
            if (!allowLatest && label == Latest) throw new PromptException(400, "labels: 'latest' is set automatically and cannot be assigned");
        }
    }

    /// <summary>Checks the prompt against its type: a string for text, a list of messages or placeholders for chat.</summary>
    public static void ValidateContent(string type, JsonNode? prompt)
    {
        if (type == "text")
        {
            if (prompt?.GetValueKind() != JsonValueKind.String) throw new PromptException(400, "prompt: text prompts need a string");
            return;
        }
        if (type != "chat") throw new PromptException(400, "type: must be 'text' or 'chat'");
        if (prompt is not JsonArray messages) throw new PromptException(400, "prompt: chat prompts need a list of messages");
        var placeholders = new HashSet<string>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject m) throw new PromptException(400, $"prompt[{i}]: must be an object");
            if (m["type"]?.GetValueKind() == JsonValueKind.String && m["type"]!.GetValue<string>() == "placeholder")
            {
                if (m["name"]?.GetValueKind() != JsonValueKind.String || m["name"]!.GetValue<string>().Length == 0)
                    throw new PromptException(400, $"prompt[{i}].name: placeholders need a name");
                placeholders.Add(m["name"]!.GetValue<string>());
                continue;
            }
            if (m["role"]?.GetValueKind() != JsonValueKind.String) throw new PromptException(400, $"prompt[{i}].role: required string");
            if (m["content"]?.GetValueKind() != JsonValueKind.String) throw new PromptException(400, $"prompt[{i}].content: required string");
        }
        var variables = Variables(prompt);
        if (variables.Overlaps(placeholders))
            throw new PromptException(400, $"prompt: variables and placeholders must not share names ({string.Join(", ", variables.Intersect(placeholders))})");
    }

    static HashSet<string> Variables(JsonNode prompt) =>
        Texts(prompt).SelectMany(t => Regex.Matches(t, @"\{\{\s*([\w.]+)\s*\}\}").Select(m => m.Groups[1].Value)).ToHashSet();

    /// <summary>The text parts of a prompt: the string itself, or each message's content.</summary>
    public static IEnumerable<string> Texts(JsonNode? prompt) => prompt switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        JsonArray a => a.OfType<JsonObject>().Select(m => m["content"]).Where(c => c?.GetValueKind() == JsonValueKind.String).Select(c => c!.GetValue<string>()),
        _ => [],
    };

    public static List<Reference> References(JsonNode? prompt) =>
        Texts(prompt).SelectMany(t => ReferenceTag().Matches(t)).Select(m =>
        {
            var by = m.Groups[2].Value;
            var value = m.Groups[3].Value;
            if (by == "version" && !int.TryParse(value, out _)) throw new PromptException(400, $"prompt: reference '{m.Value}' has a non-numeric version");
            return new Reference(m.Value, m.Groups[1].Value, by == "version" ? int.Parse(value) : null, by == "label" ? value : null);
        }).DistinctBy(r => r.Tag).ToList();
}
