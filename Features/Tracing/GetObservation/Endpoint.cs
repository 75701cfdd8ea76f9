using FastEndpoints;
using Langfuse.Features.Tracing.Pricing;
using Langfuse.Features.Tracing.Storage;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.GetObservation;

/// <summary>GET /api/public/observations/{observationId}.</summary>
sealed class Endpoint(TracingReads reads) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/observations/{observationId}");
        Description(d => d.WithTags("Observations"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = HttpContext.Decoded("observationId");
        var observation = await reads.ObservationAsync(HttpContext.Project().ProjectId, id, ct);
        if (observation is null)
        {
            await PublicApiErrors.WriteAsync(HttpContext, 404, $"Observation {id} not found within authorized project", "LangfuseNotFoundError");
            return;
        }
        await HttpContext.Response.WriteAsJsonAsync(ApiViews.Observation(observation, await reads.ModelLookupAsync(HttpContext.Project().ProjectId, ct)), ct);
    }
}
