using System.Text.Json;
using System.Text.Json.Nodes;
using FastEndpoints;
using Langfuse.Features.Tracing.Ingest;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Tracing.Scores;

/// <summary>
/// POST /api/public/scores (Basic, or Bearer with the public key alone): validated like a score-create event and
/// sent through the same durable ingestion path; 200 {"id"} once it is on the stream.
/// </summary>
sealed class CreateScore(RedisStreamPublisher publisher) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/api/public/scores");
        Policies(ApiKeyAuthenticationHandler.ScoresPolicy);
        Description(d => d.WithTags("Scores").Accepts<JsonElement>("application/json"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (await BodyReader.ReadObjectAsync(HttpContext, 1_048_576, ct) is not { } body) return;
        if (body["id"] is not JsonValue idValue || idValue.GetValueKind() != JsonValueKind.String || idValue.GetValue<string>().Length == 0)
            body["id"] = Guid.NewGuid().ToString();
        var errors = new List<string>();
        using (var normalized = JsonDocument.Parse(body.ToJsonString())) EventValidator.ValidateScore(normalized.RootElement, errors);
        var source = body["source"]?.GetValueKind() == JsonValueKind.String ? body["source"]!.GetValue<string>() : "API";
        var dataType = body["dataType"]?.GetValueKind() == JsonValueKind.String ? body["dataType"]!.GetValue<string>() : null;
        if (source == "EVAL") errors.Add("body.source: EVAL scores cannot be created through the API");
        if (source == "ANNOTATION" && dataType != "CORRECTION" && body["configId"] is null) errors.Add("body.configId: ANNOTATION scores require a configId");
        if (errors.Count > 0) { await SendInvalid(errors, ct); return; }

        var id = body["id"]!.GetValue<string>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var scoreEvent = new AcceptedEvent(Guid.NewGuid().ToString(), "score-create", now, EntityTypes.Score, id, body.ToJsonString());
        await publisher.PublishAsync(new IngestBatch(HttpContext.Project().ProjectId, now, [scoreEvent]));
        await HttpContext.Response.WriteAsJsonAsync(new { id }, ct);
    }

    Task SendInvalid(IEnumerable<string> errors, CancellationToken ct)
    {
        HttpContext.Response.StatusCode = 400;
        return HttpContext.Response.WriteAsJsonAsync(new { message = "Invalid request data", error = errors }, ct);
    }
}
