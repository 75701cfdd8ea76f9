using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Wolverine;

namespace Langfuse.Features.Tracing.DeleteTrace;

/// <summary>DELETE /api/public/traces/{traceId}: as the bulk deletion, for one trace.</summary>
sealed class Endpoint(DeleteTraces.TraceDeletion deletion, IMessageBus bus) : Endpoint<Request, DeleteTraces.Response>
{
    public override void Configure()
    {
        Delete("/api/public/traces/{traceId}");
        Description(d => d.WithTags("Trace"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        await deletion.DeleteAsync(HttpContext.Project().ProjectId, [HttpContext.Decoded("traceId")], bus, ct);
        await Send.OkAsync(new DeleteTraces.Response("Trace deleted successfully"), ct);
    }
}

public sealed record Request
{
    public string TraceId { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.TraceId).NotEmpty();
    }
}
