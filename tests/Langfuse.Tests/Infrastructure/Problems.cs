using System.Text.Json;

namespace Langfuse.Tests.Infrastructure;

/// <summary>What a 400 body says, in either of Langfuse's shapes: {message, error: "…"} or {message: "Invalid request data", error: [{path, message}]}.</summary>
public static class Problems
{
    /// <summary>The message and every failure's path and message, as one text to look for a word in.</summary>
    public static string Text(JsonElement body)
    {
        var parts = new List<string> { body.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "" };
        if (body.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.String) parts.Add(error.GetString()!);
            else if (error.ValueKind == JsonValueKind.Array)
                foreach (var failure in error.EnumerateArray())
                {
                    if (failure.ValueKind == JsonValueKind.String) { parts.Add(failure.GetString()!); continue; }
                    if (failure.TryGetProperty("path", out var path)) parts.AddRange(path.EnumerateArray().Select(p => p.ToString()));
                    if (failure.TryGetProperty("message", out var message)) parts.Add(message.GetString() ?? "");
                }
        }
        return string.Join(" | ", parts);
    }
}
