using FastEndpoints;

namespace Langfuse.Features.Health.GetReady;

/// <summary>GET /api/public/ready: 200 once start-up (schemas, migrations) finished, 503 while shutting down, for load balancers.</summary>
sealed class Endpoint(IHostApplicationLifetime lifetime) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/api/public/ready");
        AllowAnonymous();
        Description(d => d.WithTags("Health"));
    }

    public override Task HandleAsync(CancellationToken ct) =>
        lifetime.ApplicationStopping.IsCancellationRequested
            ? Send.ResponseAsync(new { status = "Shutting down" }, 503, ct)
            : Send.OkAsync(new { status = "OK" }, ct);
}
