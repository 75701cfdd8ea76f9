using FastEndpoints;
using Langfuse.Features.Ingestion;
using Langfuse.Infrastructure.Messaging.RedisStreams;

namespace Langfuse.Features.Health.GetHealth;

/// <summary>
/// GET /api/public/health: 200 when Postgres, ClickHouse and Redis all answer; 503 naming the ones that do not. Both
/// carry, for operators, the ingestion backlog: events accepted and not yet stored, and how old the oldest is.
/// </summary>
sealed class Endpoint(StoreProbe probe, RedisStreamsMetrics queues) : EndpointWithoutRequest<Response>
{
    public static new readonly string Version = typeof(Endpoint).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public override void Configure()
    {
        Get("/api/public/health");
        AllowAnonymous();
        Description(d => d.WithTags("Health").Produces<Response>(503));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var down = await probe.UnavailableStoresAsync(ct);
        var backlog = down.Contains("Redis") ? null : await BacklogAsync();
        if (down.Count == 0)
        {
            await Send.OkAsync(new Response("OK", Version, null, backlog), ct);
            return;
        }
        await Send.ResponseAsync(new Response("Service Unavailable", Version, $"{string.Join(", ", down)} unavailable", backlog), 503, ct);
    }

    async Task<IngestionBacklog?> BacklogAsync()
    {
        try
        {
            var stats = await queues.ReadAsync(IngestionModule.IngestionQueue).WaitAsync(TimeSpan.FromSeconds(2));
            return new IngestionBacklog(stats.Length, Math.Round(stats.OldestAgeSeconds, 3), stats.DeadLetters);
        }
        catch (Exception) { return null; } // Redis answered the ping but not this: the status already says enough
    }
}

sealed record Response(
    string Status, string Version,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Message,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IngestionBacklog? Ingestion);

/// <param name="Waiting">Batches accepted and not yet stored (each holds the events of one request).</param>
/// <param name="OldestAgeSeconds">How long the oldest of them has waited: 0 when none waits.</param>
/// <param name="DeadLetters">Batches set aside after repeated failures, listed by <c>dead-letters</c>.</param>
sealed record IngestionBacklog(long Waiting, double OldestAgeSeconds, long DeadLetters);
