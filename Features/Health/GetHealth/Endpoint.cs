using FastEndpoints;

namespace Langfuse.Features.Health.GetHealth;

/// <summary>GET /api/public/health: 200 when Postgres, ClickHouse and Redis all answer; 503 naming the ones that do not.</summary>
sealed class Endpoint(StoreProbe probe) : EndpointWithoutRequest<Response>
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
        if (down.Count == 0)
        {
            await Send.OkAsync(new Response("OK", Version, null), ct);
            return;
        }
        await Send.ResponseAsync(new Response("Service Unavailable", Version, $"{string.Join(", ", down)} unavailable"), 503, ct);
    }
}

sealed record Response(
    string Status, string Version,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Message);
