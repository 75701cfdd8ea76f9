using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.ListTraces;

/// <summary>GET /api/public/traces: filtered, ordered, paged; items carry their observation and score ids, latency and cost.</summary>
sealed class Endpoint(TraceListReads reads) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/traces");
        Description(d => d.WithTags("Traces"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        var filter = TraceFilter.Parse(HttpContext.Request.Query, project);
        // fields=core,io,scores,observations,metrics as on the single trace: unknown names ignored, none known means all.
        var requested = (HttpContext.Request.Query["fields"].FirstOrDefault() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(f => f is "core" or "io" or "scores" or "observations" or "metrics").ToHashSet();
        bool Wants(string group) => requested.Count == 0 || requested.Contains(group);
        var (rows, total) = await reads.ListAsync(project, filter, ct);
        var childrenNeeded = Wants("observations") || Wants("scores") || Wants("metrics");
        var (observations, scores) = await reads.ChildrenAsync(project, childrenNeeded ? rows.Select(r => r.Id).ToList() : [], ct);
        var data = rows.Select(row =>
        {
            var view = ApiViews.Trace(row);
            var children = observations[row.Id].ToList();
            view["htmlPath"] = $"/project/{project}/traces/{row.Id}";
            view["observations"] = new JsonArray(Wants("observations") ? children.Select(c => (JsonNode?)c.Id).ToArray() : []);
            view["scores"] = new JsonArray(Wants("scores") ? scores[row.Id].Select(s => (JsonNode?)s).ToArray() : []);
            view["latency"] = !Wants("metrics") ? -1 : children.Count == 0 ? 0 : (children.Max(c => c.EndTime ?? c.StartTime) - children.Min(c => c.StartTime)) / 1000.0;
            view["totalCost"] = Wants("metrics") ? children.Sum(c => c.TotalCost ?? 0) : -1;
            if (!Wants("io")) { view["input"] = null; view["output"] = null; view["metadata"] = new JsonObject(); }
            return (JsonNode?)view;
        }).ToArray();
        await HttpContext.Response.WriteAsJsonAsync(new JsonObject
        {
            ["data"] = new JsonArray(data),
            ["meta"] = new JsonObject { ["page"] = filter.Page, ["limit"] = filter.Limit, ["totalItems"] = total, ["totalPages"] = (long)Math.Ceiling(total / (double)filter.Limit) },
        }, ct);
    });
}
