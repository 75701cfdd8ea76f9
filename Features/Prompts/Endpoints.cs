using System.Text.Json;
using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;

namespace Langfuse.Features.Prompts;

/// <summary>Shared plumbing of the prompt endpoints: the JSON body, and rule violations in Langfuse's error shape.</summary>
static class PromptHttp
{
    public static CreatePrompt Command(JsonObject body) =>
        new(BodyReader.OptionalString(body, "name"), body["prompt"], BodyReader.OptionalString(body, "type"), body["config"],
            BodyReader.OptionalStrings(body, "labels"), BodyReader.OptionalStrings(body, "tags"), BodyReader.OptionalString(body, "commitMessage"));

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

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        if (await BodyReader.ReadObjectAsync(HttpContext, 1_048_576, ct) is not { } body) return;
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

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
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

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var q = HttpContext.Request.Query;
        var (page, limit) = QueryParameters.Paging(q, defaultLimit: 10);
        var filter = new PromptService.ListFilter(q["name"].FirstOrDefault(), q["label"].FirstOrDefault(), q["tag"].FirstOrDefault(),
            QueryParameters.Time(q, "fromUpdatedAt"), QueryParameters.Time(q, "toUpdatedAt"), page, limit);
        var (items, total) = await prompts.ListAsync(project, filter, ct);
        var body = new JsonObject
        {
            ["data"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()),
            ["meta"] = QueryParameters.PageMeta(page, limit, total),
            ["pagination"] = QueryParameters.PageMeta(page, limit, total), // Langfuse repeats meta here for older clients
        };
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

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        if (await BodyReader.ReadObjectAsync(HttpContext, 1_048_576, ct) is not { } body) return;
        if (!int.TryParse(HttpContext.Decoded("version"), out var version)) throw new PromptException(400, "version: must be an integer");
        var labels = BodyReader.OptionalStrings(body, "newLabels") ?? throw new PromptException(400, "newLabels: required list of strings");
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

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
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

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        if (HttpMethods.IsGet(HttpContext.Request.Method))
        {
            var q = HttpContext.Request.Query;
            var name = q["name"].FirstOrDefault() ?? throw new PromptException(400, "name: required");
            int? version = q.TryGetValue("version", out var v) ? int.TryParse(v[0], out var n) ? n : throw new PromptException(400, "version: must be an integer") : null;
            await PromptHttp.WriteJsonAsync(HttpContext, 200, await prompts.GetJsonAsync(project, name, version, null, true, ct), ct);
            return;
        }
        if (await BodyReader.ReadObjectAsync(HttpContext, 1_048_576, ct) is not { } body) return;
        var isActive = body["isActive"]?.GetValueKind() == JsonValueKind.True;
        var command = PromptHttp.Command(body) with { Labels = isActive ? [PromptRules.Production] : [] };
        var created = await prompts.CreateAsync(project, command, ct);
        await PromptHttp.WriteJsonAsync(HttpContext, 201, created.ToJsonString(), ct);
    });
}
