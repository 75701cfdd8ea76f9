using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Tracing.Tables;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;

namespace Langfuse.Features.Tracing.GetScore;

/// <summary>GET /api/public/v2/scores/{scoreId}: any score.</summary>
sealed class Endpoint(TracingReads reads) : Endpoint<Request, PublicScore>
{
    public override void Configure()
    {
        Get("/api/public/v2/scores/{scoreId}");
        Description(d => d.WithTags("Scores").Produces(404));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct) => await Send.OkAsync(await Request.FindAsync(HttpContext, reads, v1: false, ct), ct);
}

public sealed record Request
{
    public string ScoreId { get; init; } = "";

    public static async Task<PublicScore> FindAsync(HttpContext http, TracingReads reads, bool v1, CancellationToken ct)
    {
        var id = http.Decoded("scoreId");
        var score = await reads.ScoreAsync(http.Project().ProjectId, id, ct);
        if (score is null || (v1 && (score.TraceId is null || score.DataType == "CORRECTION")))
            throw new ApiProblem(404, $"Score {id} not found within authorized project");
        return ApiViews.Score(score);
    }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.ScoreId).NotEmpty();
    }
}
