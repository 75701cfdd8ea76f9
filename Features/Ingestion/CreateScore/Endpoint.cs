using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Ingestion.CreateScore;

/// <summary>
/// POST /api/public/scores (Basic, or Bearer with the public key alone): validated like a score-create event and
/// sent through the same durable ingestion path; 200 {"id"} once it is on the stream.
/// </summary>
sealed class Endpoint(RedisStreamPublisher publisher) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api/public/scores");
        Policies(ApiKeyAuthenticationHandler.ScoresPolicy);
        Options(b => b.WithMetadata(new JsonBodyLimit(1_048_576)));
        Description(d => d.WithTags("Scores"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var id = string.IsNullOrEmpty(r.Id) ? Guid.NewGuid().ToString() : r.Id;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var body = JsonSerializer.SerializeToUtf8Bytes(r with { Id = id }, Request.EventJson);
        var scoreEvent = new AcceptedEvent(Guid.NewGuid().ToString(), "score-create", now, EntityTypes.Score, id, body);
        await publisher.PublishAsync(new IngestBatch(HttpContext.Project().ProjectId, now, [scoreEvent]));
        await Send.OkAsync(new Response(id), ct);
    }
}

/// <summary>Langfuse's Request; stored as a score-create event's body, so the ingestion rules apply to it as to any event.</summary>
public sealed record Request
{
    public string? Id { get; init; }
    public string? TraceId { get; init; }
    public string? SessionId { get; init; }
    public string? ObservationId { get; init; }
    public string? DatasetRunId { get; init; }
    public string? Name { get; init; }
    /// <summary>A number (numeric and boolean scores) or a string (categorical, text and correction scores).</summary>
    public JsonNode? Value { get; init; }
    public string? Comment { get; init; }
    public JsonNode? Metadata { get; init; }
    public string? Environment { get; init; }
    public string? QueueId { get; init; }
    [OneOf("NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT", "CORRECTION")] public string? DataType { get; init; }
    public string? ConfigId { get; init; }
    [OneOf("API", "ANNOTATION")] public string? Source { get; init; }

    /// <summary>The event body: fields left out stay out, as the SDKs send them.</summary>
    internal static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r).Custom((r, context) =>
            {
                var errors = new List<string>();
                using (var body = JsonSerializer.SerializeToDocument(r with { Id = string.IsNullOrEmpty(r.Id) ? "pending" : r.Id }, EventJson))
                    EventValidator.ValidateScore(body.RootElement, errors);
                foreach (var error in errors) context.AddFailure("body", error);
            });
            RuleFor(r => r.Source).NotEqual("EVAL").WithMessage("body.source: EVAL scores cannot be created through the API");
            RuleFor(r => r.ConfigId).NotNull().When(r => r.Source == "ANNOTATION" && r.DataType != "CORRECTION")
                .WithMessage("body.configId: ANNOTATION scores require a configId");
        }
    }
}

public sealed record Response(string Id);
