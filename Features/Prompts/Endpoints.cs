using System.Text.Json;
using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Prompts;

/// <summary>Shared plumbing of the prompt endpoints: the JSON body, and rule violations in Langfuse's error shape.</summary>
static class PromptHttp
{
    public static Task RunAsync(HttpContext http, Func<string, Task> action) => ApiProblem.RunAsync(http, action);

    public static async Task<JsonObject?> ReadObjectAsync(HttpContext http, CancellationToken ct)
    {
        var read = await BodyReader.ReadJsonAsync(http, 1_048_576, ct);
        if (read.Error is not null) { await BodyReader.SendErrorAsync(http, read, ct); return null; }
        using var document = read.Document!;
        if (document.RootElement.ValueKind == JsonValueKind.Object) return JsonNode.Parse(document.RootElement.GetRawText())!.AsObject();
        await PublicApiErrors.WriteAsync(http, 400, "Invalid request data: body must be a JSON object", "InvalidRequestError");
        return null;
    }

    public static string? String(JsonObject body, string key) =>
        body[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
        : body[key] is null ? null : throw new PromptException(400, $"{key}: must be a string");

    public static List<string>? Strings(JsonObject body, string key) => body[key] switch
    {
        null => null,
        JsonArray a when a.All(x => x?.GetValueKind() == JsonValueKind.String) => a.Select(x => x!.GetValue<string>()).ToList(),
        _ => throw new PromptException(400, $"{key}: must be a list of strings"),
    };

    public static CreatePrompt Command(JsonObject body) =>
        new(String(body, "name"), body["prompt"], String(body, "type"), body["config"], Strings(body, "labels"), Strings(body, "tags"), String(body, "commitMessage"));

    public static async Task WriteJsonAsync(HttpContext http, int status, string json, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(json, ct);
    }
}

/// <summary>POST /api/public/v2/prompts: the next version of a prompt name (201).</summary>
sealed class CreatePromptEndpoint(PromptService prompts) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/api/public/v2/prompts");
        Description(d => d.WithTags("Prompts").Accepts<JsonElement>("application/json"));
    }

    public override Task HandleAsync(CancellationToken ct) => PromptHttp.RunAsync(HttpContext, async project =>
    {
        if (await PromptHttp.ReadObjectAsync(HttpContext, ct) is not { } body) return;
        var created = await prompts.CreateAsync(project, PromptHttp.Command(body), ct);
        await PromptHttp.WriteJsonAsync(HttpContext, 201, created.ToJsonString(), ct);
    });
}

/// <summary>GET /api/public/v2/prompts/{name}: by label or version (neither: production), references resolved unless resolve=false.</summary>
sealed class GetPromptEndpoint(PromptService prompts) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/v2/prompts/{name}");
        Description(d => d.WithTags("Prompts"));
    }

    public override Task HandleAsync(CancellationToken ct) => PromptHttp.RunAsync(HttpContext, async project =>
    {
        var query = HttpContext.Request.Query;
        int? version = null;
        if (query.TryGetValue("version", out var v) && v.Count > 0)
            version = int.TryParse(v[0], out var n) && n > 0 ? n : throw new PromptException(400, "version: must be a positive integer");
        var label = query.TryGetValue("label", out var l) && l.Count > 0 ? l[0] : null;
        var resolve = !query.TryGetValue("resolve", out var r) || !string.Equals(r[0], "false", StringComparison.OrdinalIgnoreCase);
        var json = await prompts.GetJsonAsync(project, HttpContext.Decoded("name"), version, label, resolve, ct);
        await PromptHttp.WriteJsonAsync(HttpContext, 200, json, ct);
    });
}

/// <summary>GET /api/public/v2/prompts: names with their versions, labels and tags; filtered and paged (default 10 a page).</summary>
sealed class ListPromptsEndpoint(PromptService prompts) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/v2/prompts");
        Description(d => d.WithTags("Prompts"));
    }

    public override Task HandleAsync(CancellationToken ct) => PromptHttp.RunAsync(HttpContext, async project =>
    {
        var q = HttpContext.Request.Query;
        int Int(string key, int fallback, int min, int max) =>
            !q.TryGetValue(key, out var s) ? fallback
            : int.TryParse(s[0], out var n) && n >= min && n <= max ? n
            : throw new PromptException(400, $"{key}: must be an integer between {min} and {max}");
        DateTimeOffset? Date(string key) =>
            !q.TryGetValue(key, out var s) ? null
            : DateTimeOffset.TryParse(s[0], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d) ? d
            : throw new PromptException(400, $"{key}: must be an ISO-8601 datetime");
        var page = Int("page", 1, 1, int.MaxValue);
        var limit = Int("limit", 10, 1, 100);
        var filter = new PromptService.ListFilter(q["name"].FirstOrDefault(), q["label"].FirstOrDefault(), q["tag"].FirstOrDefault(),
            Date("fromUpdatedAt"), Date("toUpdatedAt"), page, limit);
        var (items, total) = await prompts.ListAsync(project, filter, ct);
        JsonObject Meta() => new() { ["page"] = page, ["limit"] = limit, ["totalItems"] = total, ["totalPages"] = (total + limit - 1) / limit };
        var body = new JsonObject { ["data"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()), ["meta"] = Meta(), ["pagination"] = Meta() };
        await PromptHttp.WriteJsonAsync(HttpContext, 200, body.ToJsonString(), ct);
    });
}

/// <summary>PATCH /api/public/v2/prompts/{name}/versions/{version}: {"newLabels": [...]} moves those labels to this version.</summary>
sealed class UpdatePromptLabelsEndpoint(PromptService prompts) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Patch("/api/public/v2/prompts/{name}/versions/{version}");
        Description(d => d.WithTags("Prompts").Accepts<JsonElement>("application/json"));
    }

    public override Task HandleAsync(CancellationToken ct) => PromptHttp.RunAsync(HttpContext, async project =>
    {
        if (await PromptHttp.ReadObjectAsync(HttpContext, ct) is not { } body) return;
        if (!int.TryParse(HttpContext.Decoded("version"), out var version)) throw new PromptException(400, "version: must be an integer");
        var labels = PromptHttp.Strings(body, "newLabels") ?? throw new PromptException(400, "newLabels: required list of strings");
        var updated = await prompts.UpdateLabelsAsync(project, HttpContext.Decoded("name"), version, labels, ct);
        await PromptHttp.WriteJsonAsync(HttpContext, 200, updated.ToJsonString(), ct);
    });
}

/// <summary>DELETE /api/public/v2/prompts/{name}[?version=|label=]: 204; refused while other prompts reference it.</summary>
sealed class DeletePromptEndpoint(PromptService prompts) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Delete("/api/public/v2/prompts/{name}");
        Description(d => d.WithTags("Prompts"));
    }

    public override Task HandleAsync(CancellationToken ct) => PromptHttp.RunAsync(HttpContext, async project =>
    {
        var q = HttpContext.Request.Query;
        int? version = q.TryGetValue("version", out var v) ? int.TryParse(v[0], out var n) ? n : throw new PromptException(400, "version: must be an integer") : null;
        await prompts.DeleteAsync(project, HttpContext.Decoded("name"), version, q["label"].FirstOrDefault(), ct);
        HttpContext.Response.StatusCode = 204;
    });
}

/// <summary>Legacy v1: GET /api/public/prompts?name=&amp;version= (production when no version) and POST with isActive.</summary>
sealed class LegacyPromptsEndpoint(PromptService prompts) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Verbs(Http.GET, Http.POST);
        Routes("/api/public/prompts");
        Description(d => d.WithTags("Prompts"));
    }

    public override Task HandleAsync(CancellationToken ct) => PromptHttp.RunAsync(HttpContext, async project =>
    {
        if (HttpMethods.IsGet(HttpContext.Request.Method))
        {
            var q = HttpContext.Request.Query;
            var name = q["name"].FirstOrDefault() ?? throw new PromptException(400, "name: required");
            int? version = q.TryGetValue("version", out var v) ? int.TryParse(v[0], out var n) ? n : throw new PromptException(400, "version: must be an integer") : null;
            await PromptHttp.WriteJsonAsync(HttpContext, 200, await prompts.GetJsonAsync(project, name, version, null, true, ct), ct);
            return;
        }
        if (await PromptHttp.ReadObjectAsync(HttpContext, ct) is not { } body) return;
        var isActive = body["isActive"]?.GetValueKind() == JsonValueKind.True;
        var command = PromptHttp.Command(body) with { Labels = isActive ? [PromptRules.Production] : [] };
        var created = await prompts.CreateAsync(project, command, ct);
        await PromptHttp.WriteJsonAsync(HttpContext, 201, created.ToJsonString(), ct);
    });
}
