using System.Text.Json;
using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Ingestion.IngestEvents;

/// <summary>
/// POST /api/public/ingestion: Langfuse's batch API. Each event is validated on its own; the valid ones go to the
/// Redis stream in one entry, and only once Redis has them does the 207 report them as 201.
/// </summary>
sealed class Endpoint(RedisStreamPublisher publisher, ILogger<Endpoint> log) : Endpoint<IngestionRequest, IngestionResponse>
{
    public override void Configure()
    {
        Post("/api/public/ingestion");
        Policies(ApiKeyAuthenticationHandler.ScoresPolicy); // Bearer public keys may send score events
        RequestBinder(new IngestionRequest.Binder());
        Description(d => d.WithTags("Ingestion").Accepts<IngestionRequest>("application/json").Produces<IngestionResponse>(207).Produces(400).Produces(413));
    }

    public override async Task HandleAsync(IngestionRequest r, CancellationToken ct)
    {
        var scope = HttpContext.Project();
        var successes = new List<IngestionSuccess>();
        var errors = new List<IngestionError>();
        var accepted = new List<AcceptedEvent>();
        var acceptedIds = new List<string>();
        foreach (var item in r.Batch)
        {
            var eventId = JsonText.SafeString(item, "id") ?? "unknown";
            var type = JsonText.SafeString(item, "type");
            if (scope.Access == AccessLevel.Scores && (type is null || !EventValidator.ScoreScopeTypes.Contains(type)))
            {
                errors.Add(new IngestionError(eventId, 401, "Authentication error", "Access Scope Denied"));
                continue;
            }
            var result = EventValidator.Validate(item);
            if (result.Error is not null)
                errors.Add(new IngestionError(eventId, 400, "Invalid request data", result.Error));
            else if (result.Event is not null) { accepted.Add(result.Event); acceptedIds.Add(eventId); }
            else successes.Add(new IngestionSuccess(eventId, 201));
        }

        if (accepted.Count > 0)
        {
            try
            {
                await publisher.PublishAsync(new IngestBatch(scope.ProjectId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), accepted));
            }
            catch (Exception e)
            {
                // Nothing was promised yet: the SDK retries the whole batch.
                log.LogError(e, "Could not queue {Count} ingestion events", accepted.Count);
                await PublicApiErrors.WriteAsync(HttpContext, 500, "Internal Server Error: events could not be queued, retry the request", "InternalServerError");
                return;
            }
            successes.AddRange(acceptedIds.Select(id => new IngestionSuccess(id, 201)));
        }
        await Send.ResponseAsync(new IngestionResponse(successes, errors), 207, ct);
    }
}

/// <summary>
/// Langfuse's IngestionRequest: events (trace-create, span-update, score-create, …) and optional SDK metadata. Only
/// the envelope is validated here (a batch, of at most <see cref="EventValidator.MaxEvents"/> events): each event
/// succeeds or fails on its own in the handler, which is why the events stay JSON rather than typed records, where one
/// bad event would fail the whole request's binding.
/// </summary>
public sealed record IngestionRequest(IReadOnlyList<JsonElement> Batch, JsonElement? Metadata)
{
    /// <summary>
    /// Parses the body once, with the guards every JSON body has (gzip, 4.5 MB → 413, valid JSON → 400): the events
    /// are elements of that one document, and each accepted event's body goes to the stream as the text it came in,
    /// never re-serialised. The document lives as long as the request.
    /// </summary>
    public sealed class Binder : IRequestBinder<IngestionRequest>
    {
        public async ValueTask<IngestionRequest> BindAsync(BinderContext ctx, CancellationToken ct)
        {
            var body = await BodyReader.ReadJsonAsync(ctx.HttpContext, JsonBodyLimit.Public.Bytes, ct);
            if (body.Error is not null) throw new ApiProblem(body.Status, body.Error);
            ctx.HttpContext.Response.RegisterForDispose(body.Document!);
            var root = body.Document!.RootElement;
            // A missing or non-array batch binds as null, which the validator names (the contract requires one).
            if (root.ValueKind != JsonValueKind.Object) return new IngestionRequest(null!, null);
            var batch = root.TryGetProperty("batch", out var b) && b.ValueKind == JsonValueKind.Array ? b.EnumerateArray().ToList() : null;
            return new IngestionRequest(batch!, root.TryGetProperty("metadata", out var m) ? m : null);
        }
    }

    public sealed class Validator : Validator<IngestionRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Batch).NotNull().WithMessage("Expected array of events");
            RuleFor(r => r.Batch.Count).LessThanOrEqualTo(EventValidator.MaxEvents).OverridePropertyName("batch")
                .WithMessage($"at most {EventValidator.MaxEvents} events per request").When(r => r.Batch is not null);
        }
    }
}

/// <summary>Langfuse's IngestionResponse: each event's outcome.</summary>
public sealed record IngestionResponse(IReadOnlyList<IngestionSuccess> Successes, IReadOnlyList<IngestionError> Errors);

public sealed record IngestionSuccess(string Id, int Status);

public sealed record IngestionError(string Id, int Status, string Message, string? Error);
