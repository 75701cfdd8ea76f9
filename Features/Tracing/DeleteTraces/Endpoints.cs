using System.Text.Json;
using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Wolverine;

namespace Langfuse.Features.Tracing.DeleteTraces;

/// <summary>
/// DELETE /api/public/traces/{traceId} and DELETE /api/public/traces {"traceIds": [...]} (1..1000): the traces
/// vanish from every read before the response; their observations and scores follow through a durable Wolverine message.
/// </summary>
sealed class DeleteTracesEndpoint(TraceDeletion deletion, IMessageBus bus) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Delete("/api/public/traces/{traceId}", "/api/public/traces");
        Description(d => d.WithTags("Traces"));
    }

    public override Task HandleAsync(CancellationToken ct) => ApiProblem.RunAsync(HttpContext, async project =>
    {
        List<string> ids;
        if (HttpContext.Request.RouteValues.ContainsKey("traceId")) ids = [HttpContext.Decoded("traceId")];
        else
        {
            var body = await BodyReader.ReadJsonAsync(HttpContext, 1_048_576, ct);
            if (body.Error is not null) { await BodyReader.SendErrorAsync(HttpContext, body, ct); return; }
            using var document = body.Document!;
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("traceIds", out var list)
                || list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
                throw new ApiProblem(400, "traceIds: required list of trace ids");
            ids = list.EnumerateArray().Select(i => i.GetString()!).Distinct().ToList();
            if (ids.Count is 0 or > 1000) throw new ApiProblem(400, "traceIds: between 1 and 1000 ids");
        }
        await deletion.TombstoneTracesAsync(project, ids, ct);
        await bus.PublishAsync(new DeleteTraceData(project, ids));
        await HttpContext.Response.WriteAsJsonAsync(new { message = ids.Count == 1 ? "Trace deleted successfully" : "Traces deleted successfully" }, ct);
    });
}
