using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.GetObservation;

/// <summary>GET /api/public/observations/{observationId}.</summary>
sealed class Endpoint(TracingReads reads) : Endpoint<Request, PublicObservation>
{
    public override void Configure()
    {
        Get("/api/public/observations/{observationId}");
        Description(d => d.WithTags("Observations").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var project = HttpContext.Project().ProjectId;
        var id = HttpContext.Decoded("observationId");
        var observation = await reads.ObservationAsync(project, id, ct) ?? throw new ApiProblem(404, $"Observation {id} not found within authorized project");
        await Send.OkAsync(ApiViews.Observation(observation, await reads.ModelLookupAsync(project, ct)), ct);
    }
}

public sealed record Request
{
    public string ObservationId { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.ObservationId).NotEmpty();
    }
}
