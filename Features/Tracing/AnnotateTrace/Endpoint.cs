using System.Text.Json;
using FastEndpoints;
using FluentValidation;
using Langfuse.Features.Ingestion;
using Langfuse.Features.Organizations;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Tracing.AnnotateTrace;

/// <summary>
/// POST /api/app/projects/{projectId}/traces/{traceId}/scores: an annotation (source ANNOTATION) on the trace or one
/// of its observations, by a MEMBER or above; sent through the same durable ingestion path as SDK scores. Giving the
/// id of an existing score replaces it (how the app edits an annotation).
/// </summary>
sealed class Endpoint(Access access, RedisStreamPublisher publisher) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("projects/{projectId}/traces/{traceId}/scores");
        Group<WebApp>();
        Description(d => d.WithTags("Traces"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var me = HttpContext.UserId();
        var grant = await access.ProjectAsync(me, r.ProjectId, Permission.ScoresWrite, ct);
        var id = r.Id ?? Guid.NewGuid().ToString();
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id, traceId = r.TraceId, observationId = r.ObservationId, name = r.Name.Trim(), value = r.Value, comment = r.Comment,
            source = "ANNOTATION", dataType = "NUMERIC", metadata = new { annotatedBy = me },
        });
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await publisher.PublishAsync(new IngestBatch(grant.Project.Id, now, [new AcceptedEvent(Guid.NewGuid().ToString(), "score-create", now, EntityTypes.Score, id, body)]));
        await Send.ResponseAsync(new Response(id), 201, ct);
    }
}

public sealed record Request
{
    public string ProjectId { get; init; } = "";
    public string TraceId { get; init; } = "";
    public string? Id { get; init; }
    public string? ObservationId { get; init; }
    public string Name { get; init; } = "";
    public double Value { get; init; }
    public string? Comment { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(1000);
            RuleFor(r => r.Value).Must(double.IsFinite).WithMessage("value must be a finite number");
            RuleFor(r => r.Comment).MaximumLength(10_000);
            RuleFor(r => r.Id).MaximumLength(200);
        }
    }
}

public sealed record Response(string Id);
