using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace Langfuse.Features.Ingestion.Pricing;

/// <summary>
/// Counts tokens offline for OpenAI-family models when a generation arrives without usage, the way Langfuse does:
/// chat message lists count Σ(3 + tokens(role) + tokens(content) [+1 per name]) + 3, anything else the tokens of its text.
/// Tokenizers are created once, on first use.
/// </summary>
public sealed class TokenCounter
{
    readonly Lazy<Tokenizer> _o200k = new(() => TiktokenTokenizer.CreateForModel("gpt-4o"));
    readonly Lazy<Tokenizer> _cl100k = new(() => TiktokenTokenizer.CreateForModel("gpt-4"));

    public long? Count(string? tokenizer, JsonNode? value)
    {
        var encoder = tokenizer switch { "o200k" => _o200k.Value, "cl100k" => _cl100k.Value, _ => null };
        if (encoder is null || value is null) return null;
        if (value is JsonArray messages && messages.Count > 0 && messages.All(m => m is JsonObject o && o.ContainsKey("role")))
        {
            long total = 3;
            foreach (var message in messages.Cast<JsonObject>())
            {
                total += 3;
                foreach (var (key, part) in message)
                {
                    if (part is null) continue;
                    total += encoder.CountTokens(part.GetValueKind() == JsonValueKind.String ? part.GetValue<string>() : part.ToJsonString());
                    if (key == "name") total += 1;
                }
            }
            return total;
        }
        var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        return encoder.CountTokens(text);
    }
}
