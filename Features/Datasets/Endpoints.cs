using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Persistence;
using Marten;

namespace Langfuse.Features.Datasets;

/// <summary>Datasets, items and runs in the public API's JSON shapes, and the small request helpers they share.</summary>
static class DatasetHttp
{
    static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    public static JsonObject View(Dataset d, string projectId) => new()
    {
        ["id"] = d.Id, ["name"] = d.Name, ["description"] = d.Description, ["metadata"] = d.Metadata?.DeepClone(),
        ["inputSchema"] = d.InputSchema?.DeepClone(), ["expectedOutputSchema"] = d.ExpectedOutputSchema?.DeepClone(),
        ["projectId"] = projectId, ["createdAt"] = Iso(d.CreatedAt), ["updatedAt"] = Iso(d.UpdatedAt),
    };

    public static JsonObject View(DatasetItemVersion i) => new()
    {
        ["id"] = i.ItemId, ["status"] = i.Status, ["input"] = i.Input?.DeepClone(), ["expectedOutput"] = i.ExpectedOutput?.DeepClone(),
        ["metadata"] = i.Metadata?.DeepClone(), ["sourceTraceId"] = i.SourceTraceId, ["sourceObservationId"] = i.SourceObservationId,
        ["datasetId"] = i.DatasetId, ["datasetName"] = i.DatasetName, ["createdAt"] = Iso(i.CreatedAt), ["updatedAt"] = Iso(i.ValidFrom),
        ["validFrom"] = Iso(i.ValidFrom), ["mediaReferences"] = new JsonArray(),
    };

    public static JsonObject View(DatasetRun r) => new()
    {
        ["id"] = r.Id, ["name"] = r.Name, ["description"] = r.Description, ["metadata"] = r.Metadata?.DeepClone(),
        ["datasetId"] = r.DatasetId, ["datasetName"] = r.DatasetName, ["createdAt"] = Iso(r.CreatedAt), ["updatedAt"] = Iso(r.UpdatedAt),
    };

    public static JsonObject View(DatasetRunItem i) => new()
    {
        ["id"] = i.Id, ["datasetRunId"] = i.DatasetRunId, ["datasetRunName"] = i.DatasetRunName, ["datasetItemId"] = i.DatasetItemId,
        ["traceId"] = i.TraceId, ["observationId"] = i.ObservationId, ["createdAt"] = Iso(i.CreatedAt), ["updatedAt"] = Iso(i.UpdatedAt),
    };

    public static JsonObject Page(IEnumerable<JsonNode> items, long total, int page, int limit) => new()
    {
        ["data"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()),
        ["meta"] = QueryParameters.PageMeta(page, limit, total),
    };

    public static UpsertDataset Dataset(JsonObject b) => new(BodyReader.OptionalString(b, "name"), BodyReader.OptionalString(b, "description"), b["metadata"], b["inputSchema"], b["expectedOutputSchema"]);

    public static Task Json(HttpContext http, JsonNode body, CancellationToken ct, int status = 200)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(body, ct);
    }
}

/// <summary>POST /api/public/datasets (v1) and /api/public/v2/datasets: create or update by name.</summary>
sealed class UpsertDatasetEndpoint(DatasetService datasets, IDocumentStore store) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/api/public/datasets", "/api/public/v2/datasets");
        Description(d => d.WithTags("Datasets").Accepts<JsonElement>("application/json"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        if (await BodyReader.ReadObjectAsync(HttpContext, 4_718_592, ct) is not { } body) return;
        var dataset = await datasets.UpsertDatasetAsync(project, DatasetHttp.Dataset(body), ct);
        var view = DatasetHttp.View(dataset, project);
        if (!HttpContext.Request.Path.StartsWithSegments("/api/public/v2"))
        {
            await using var session = store.QuerySession(project);
            view["items"] = new JsonArray((await DatasetService.Items(session, dataset.Id, null).ToListAsync(ct)).Select(i => (JsonNode?)DatasetHttp.View(i)).ToArray());
            view["runs"] = new JsonArray((await session.Query<DatasetRun>().Where(r => r.DatasetId == dataset.Id).ToListAsync(ct)).Select(r => (JsonNode?)r.Name).ToArray());
        }
        await DatasetHttp.Json(HttpContext, view, ct);
    });
}

/// <summary>GET /api/public/datasets (v1: with item ids and run names) and /api/public/v2/datasets.</summary>
sealed class ListDatasetsEndpoint(IDocumentStore store) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/datasets", "/api/public/v2/datasets");
        Description(d => d.WithTags("Datasets"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var v1 = !HttpContext.Request.Path.StartsWithSegments("/api/public/v2");
        var (page, limit) = QueryParameters.Paging(HttpContext.Request.Query, minPage: v1 ? 0 : 1);
        await using var session = store.QuerySession(project);
        // v1 accepts page 0 and serves it as the first page.
        var (datasets, total) = await Paging.PageOfAsync(() => session.Query<Dataset>().OrderByDescending(d => d.CreatedAt), page, limit, ct);
        var views = new List<JsonNode>();
        foreach (var d in datasets)
        {
            var view = DatasetHttp.View(d, project);
            if (v1)
            {
                view["items"] = new JsonArray((await DatasetService.Items(session, d.Id, null).Select(i => i.ItemId).ToListAsync(ct)).Select(i => (JsonNode?)i).ToArray());
                view["runs"] = new JsonArray((await session.Query<DatasetRun>().Where(r => r.DatasetId == d.Id).Select(r => r.Name).ToListAsync(ct)).Select(r => (JsonNode?)r).ToArray());
            }
            views.Add(view);
        }
        await DatasetHttp.Json(HttpContext, DatasetHttp.Page(views, total, page, limit), ct);
    });
}

/// <summary>GET /api/public/datasets/{name} (v1: with its active items and run names) and /api/public/v2/datasets/{name}.</summary>
sealed class GetDatasetEndpoint(DatasetService datasets, IDocumentStore store) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/datasets/{name}", "/api/public/v2/datasets/{name}");
        Description(d => d.WithTags("Datasets"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        await using var session = store.QuerySession(project);
        var dataset = await datasets.DatasetAsync(session, HttpContext.Decoded("name"), ct);
        var view = DatasetHttp.View(dataset, project);
        if (!HttpContext.Request.Path.StartsWithSegments("/api/public/v2"))
        {
            view["items"] = new JsonArray((await DatasetService.Items(session, dataset.Id, null).OrderByDescending(i => i.CreatedAt).ToListAsync(ct)).Select(i => (JsonNode?)DatasetHttp.View(i)).ToArray());
            view["runs"] = new JsonArray((await session.Query<DatasetRun>().Where(r => r.DatasetId == dataset.Id).Select(r => r.Name).ToListAsync(ct)).Select(r => (JsonNode?)r).ToArray());
        }
        await DatasetHttp.Json(HttpContext, view, ct);
    });
}

/// <summary>POST /api/public/dataset-items: upsert on id (a new version each time); GET lists active items, optionally as of a time.</summary>
sealed class DatasetItemsEndpoint(DatasetService datasets, IDocumentStore store) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Verbs(Http.GET, Http.POST);
        Routes("/api/public/dataset-items");
        Description(d => d.WithTags("Datasets"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        if (HttpMethods.IsPost(HttpContext.Request.Method))
        {
            if (await BodyReader.ReadObjectAsync(HttpContext, 4_718_592, ct) is not { } b) return;
            var item = await datasets.UpsertItemAsync(project, new UpsertItem(BodyReader.OptionalString(b, "datasetName"), BodyReader.OptionalString(b, "id"), b["input"], b["expectedOutput"],
                b["metadata"], BodyReader.OptionalString(b, "sourceTraceId"), BodyReader.OptionalString(b, "sourceObservationId"), BodyReader.OptionalString(b, "status")), ct);
            await DatasetHttp.Json(HttpContext, DatasetHttp.View(item), ct);
            return;
        }
        var q = HttpContext.Request.Query;
        var (page, limit) = QueryParameters.Paging(HttpContext.Request.Query);
        await using var session = store.QuerySession(project);
        string? datasetId = null;
        if (q["datasetName"].FirstOrDefault() is { } datasetName) datasetId = (await datasets.DatasetAsync(session, datasetName, ct)).Id;
        DateTimeOffset? asOf = null;
        if (q["version"].FirstOrDefault() is { } version)
        {
            if (datasetId is null) throw new ApiProblem(400, "version: requires datasetName");
            asOf = DateTimeOffset.TryParse(version, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw new ApiProblem(400, "version: must be an ISO-8601 timestamp");
        }
        IQueryable<DatasetItemVersion> Items()
        {
            var items = DatasetService.Items(session, datasetId, asOf);
            if (q["sourceTraceId"].FirstOrDefault() is { } traceId) items = items.Where(i => i.SourceTraceId == traceId);
            if (q["sourceObservationId"].FirstOrDefault() is { } observationId) items = items.Where(i => i.SourceObservationId == observationId);
            return items.OrderByDescending(i => i.CreatedAt);
        }
        var (rows, total) = await Paging.PageOfAsync(Items, page, limit, ct);
        await DatasetHttp.Json(HttpContext, DatasetHttp.Page(rows.Select(DatasetHttp.View), total, page, limit), ct);
    });
}

/// <summary>GET /api/public/dataset-items/{id} (archived items too) and DELETE.</summary>
sealed class DatasetItemEndpoint(DatasetService datasets, IDocumentStore store) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Verbs(Http.GET, Http.DELETE);
        Routes("/api/public/dataset-items/{id}");
        Description(d => d.WithTags("Datasets"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var id = HttpContext.Decoded("id");
        if (HttpMethods.IsDelete(HttpContext.Request.Method))
        {
            await datasets.DeleteItemAsync(project, id, ct);
            await DatasetHttp.Json(HttpContext, new JsonObject { ["message"] = "Dataset item successfully deleted" }, ct);
            return;
        }
        await using var session = store.QuerySession(project);
        await DatasetHttp.Json(HttpContext, DatasetHttp.View(await datasets.ItemAsync(session, id, ct)), ct);
    });
}

/// <summary>POST /api/public/dataset-run-items links a trace (or observation) to an item in a run; GET lists a run's items.</summary>
sealed class DatasetRunItemsEndpoint(DatasetService datasets, IDocumentStore store) : EndpointWithoutRequest
{
    static readonly HashSet<string> Allowed = ["runName", "runDescription", "metadata", "datasetItemId", "traceId", "observationId", "datasetVersion", "createdAt"];

    public override void Configure()
    {
        Verbs(Http.GET, Http.POST);
        Routes("/api/public/dataset-run-items");
        Description(d => d.WithTags("Datasets"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        if (HttpMethods.IsPost(HttpContext.Request.Method))
        {
            if (await BodyReader.ReadObjectAsync(HttpContext, 4_718_592, ct) is not { } b) return;
            if (b.Select(kv => kv.Key).FirstOrDefault(k => !Allowed.Contains(k)) is { } unknown) throw new ApiProblem(400, $"Unrecognized key in body: '{unknown}'");
            DateTimeOffset? createdAt = BodyReader.OptionalString(b, "createdAt") is { } c
                ? DateTimeOffset.TryParse(c, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw new ApiProblem(400, "createdAt: must be an ISO-8601 timestamp")
                : null;
            var (item, _) = await datasets.LinkAsync(project, new LinkRunItem(BodyReader.OptionalString(b, "runName"), BodyReader.OptionalString(b, "runDescription"), b["metadata"],
                BodyReader.OptionalString(b, "datasetItemId"), BodyReader.OptionalString(b, "traceId"), BodyReader.OptionalString(b, "observationId"), createdAt), ct);
            await DatasetHttp.Json(HttpContext, DatasetHttp.View(item), ct);
            return;
        }
        var q = HttpContext.Request.Query;
        var datasetId = q["datasetId"].FirstOrDefault() ?? throw new ApiProblem(400, "datasetId: required");
        var runName = q["runName"].FirstOrDefault() ?? throw new ApiProblem(400, "runName: required");
        var (page, limit) = QueryParameters.Paging(HttpContext.Request.Query);
        await using var session = store.QuerySession(project);
        var run = await session.Query<DatasetRun>().FirstOrDefaultAsync(r => r.DatasetId == datasetId && r.Name == runName, ct)
            ?? throw new ApiProblem(404, $"Dataset run {runName} not found");
        var (rows, total) = await Paging.PageOfAsync(() => session.Query<DatasetRunItem>().Where(i => i.DatasetRunId == run.Id).OrderBy(i => i.CreatedAt), page, limit, ct);
        await DatasetHttp.Json(HttpContext, DatasetHttp.Page(rows.Select(DatasetHttp.View), total, page, limit), ct);
    });
}

/// <summary>GET /api/public/datasets/{name}/runs: the dataset's runs, newest first.</summary>
sealed class ListRunsEndpoint(DatasetService datasets, IDocumentStore store) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/datasets/{name}/runs");
        Description(d => d.WithTags("Datasets"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var (page, limit) = QueryParameters.Paging(HttpContext.Request.Query);
        await using var session = store.QuerySession(project);
        var dataset = await datasets.DatasetAsync(session, HttpContext.Decoded("name"), ct);
        var (rows, total) = await Paging.PageOfAsync(() => session.Query<DatasetRun>().Where(r => r.DatasetId == dataset.Id).OrderByDescending(r => r.CreatedAt), page, limit, ct);
        await DatasetHttp.Json(HttpContext, DatasetHttp.Page(rows.Select(DatasetHttp.View), total, page, limit), ct);
    });
}

/// <summary>GET /api/public/datasets/{name}/runs/{runName} (with its run items) and DELETE (the run and its items).</summary>
sealed class DatasetRunEndpoint(DatasetService datasets, IDocumentStore store) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Verbs(Http.GET, Http.DELETE);
        Routes("/api/public/datasets/{name}/runs/{runName}");
        Description(d => d.WithTags("Datasets"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var name = HttpContext.Decoded("name");
        var runName = HttpContext.Decoded("runName");
        if (HttpMethods.IsDelete(HttpContext.Request.Method))
        {
            await datasets.DeleteRunAsync(project, name, runName, ct);
            await DatasetHttp.Json(HttpContext, new JsonObject { ["message"] = "Dataset run successfully deleted" }, ct);
            return;
        }
        await using var session = store.QuerySession(project);
        var dataset = await datasets.DatasetAsync(session, name, ct);
        var run = await session.Query<DatasetRun>().FirstOrDefaultAsync(r => r.DatasetId == dataset.Id && r.Name == runName, ct)
            ?? throw new ApiProblem(404, $"Dataset run {runName} not found");
        var view = DatasetHttp.View(run);
        view["datasetRunItems"] = new JsonArray((await session.Query<DatasetRunItem>().Where(i => i.DatasetRunId == run.Id).OrderBy(i => i.CreatedAt).ToListAsync(ct))
            .Select(i => (JsonNode?)DatasetHttp.View(i)).ToArray());
        await DatasetHttp.Json(HttpContext, view, ct);
    });
}
