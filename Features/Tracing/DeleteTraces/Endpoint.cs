using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Http;
using Wolverine;

namespace Langfuse.Features.Tracing.DeleteTraces;

/// <summary>
/// DELETE /api/public/traces {"traceIds": [...]} (1..1000): the traces vanish from every read before the response;
/// their observations and scores follow through a durable Wolverine message.
/// </summary>
sealed class Endpoint(TraceDeletion deletion, IMessageBus bus) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Delete("/api/public/traces");
        Options(b => b.WithMetadata(new JsonBodyLimit(1_048_576)));
        Description(d => d.WithTags("Trace"));
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var ids = r.TraceIds!.Distinct().ToList();
        await deletion.DeleteAsync(HttpContext.Project().ProjectId, ids, bus, ct);
        await Send.OkAsync(new Response(ids.Count == 1 ? "Trace deleted successfully" : "Traces deleted successfully"), ct);
    }
}

public sealed record Request
{
    public List<string>? TraceIds { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.TraceIds).NotNull().WithMessage("traceIds: required list of trace ids");
            RuleFor(r => r.TraceIds).Must(ids => ids!.Distinct().Count() is >= 1 and <= 1000).When(r => r.TraceIds is not null).WithMessage("traceIds: between 1 and 1000 ids");
        }
    }
}

public sealed record Response(string Message);
