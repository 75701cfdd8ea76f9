using System.Text.Json;
using FastEndpoints;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Ingestion.IngestEvents;

/// <summary>
/// POST /api/public/ingestion: Langfuse's batch API. Each event is validated on its own; the valid ones go to the
/// Redis stream in one entry, and only once Redis has them does the 207 report them as 201. The body is read as a
/// JSON document, not bound to <see cref="IngestionRequest"/> (which documents it): binding fails a whole request for
/// one bad event, while the contract is that each event succeeds or fails alone; and each accepted event's body goes
/// to the stream as the bytes it came in, never re-serialised.
/// </summary>
sealed class Endpoint(RedisStreamPublisher publisher, ILogger<Endpoint> log) : EndpointWithoutRequest<IngestionResponse>
{
    public const long MaxBodyBytes = 4_718_592; // 4.5 MB, Langfuse's (Next.js) limit

    public override void Configure()
    {
        Post("/api/public/ingestion");
        Policies(ApiKeyAuthenticationHandler.ScoresPolicy); // Bearer public keys may send score events
        Description(d => d.WithTags("Ingestion").Accepts<IngestionRequest>("application/json").Produces<IngestionResponse>(207).Produces(400).Produces(413));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var scope = HttpContext.Project();
        var body = await BodyReader.ReadJsonAsync(HttpContext, MaxBodyBytes, ct);
        if (body.Error is not null)
        {
            await BodyReader.SendErrorAsync(HttpContext, body, ct);
            return;
        }
        using var document = body.Document!;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
        {
            HttpContext.Response.StatusCode = 400;
            await HttpContext.Response.WriteAsJsonAsync(new { message = "Invalid request data", errors = new[] { "batch: Expected array" } }, ct);
            return;
        }
        if (batch.GetArrayLength() > EventValidator.MaxEvents)
        {
            HttpContext.Response.StatusCode = 400;
            await HttpContext.Response.WriteAsJsonAsync(new { message = "Invalid request data", errors = new[] { $"batch: at most {EventValidator.MaxEvents} events per request" } }, ct);
            return;
        }

        var successes = new List<IngestionSuccess>();
        var errors = new List<IngestionError>();
        var accepted = new List<AcceptedEvent>();
        var acceptedIds = new List<string>();
        foreach (var item in batch.EnumerateArray())
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

/// <summary>Langfuse's IngestionRequest: events (trace-create, span-update, score-create, …) and optional SDK metadata.</summary>
public sealed record IngestionRequest(IReadOnlyList<JsonElement> Batch, JsonElement? Metadata);

/// <summary>Langfuse's IngestionResponse: each event's outcome.</summary>
public sealed record IngestionResponse(IReadOnlyList<IngestionSuccess> Successes, IReadOnlyList<IngestionError> Errors);

public sealed record IngestionSuccess(string Id, int Status);

public sealed record IngestionError(string Id, int Status, string Message, string? Error);
