using FastEndpoints;
using FluentValidation;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;
using Wolverine;

namespace Langfuse.Features.Tracing.DeleteTraces;

/// <summary>
/// DELETE /api/public/traces {"traceIds": [...]} (1..1000): the traces vanish from every read before the response;
/// their observations and scores follow through a durable Wolverine message.
/// </summary>
sealed class DeleteTracesEndpoint(TraceDeletion deletion, IMessageBus bus) : Endpoint<DeleteTracesRequest, DeleteTracesResponse>
{
    public override void Configure()
    {
        Delete("/api/public/traces");
        Options(b => b.WithMetadata(new JsonBodyLimit(1_048_576)));
        Description(d => d.WithTags("Trace"));
    }

    public override async Task HandleAsync(DeleteTracesRequest r, CancellationToken ct)
    {
        var ids = r.TraceIds!.Distinct().ToList();
        await deletion.DeleteAsync(HttpContext.Project().ProjectId, ids, bus, ct);
        await Send.OkAsync(new DeleteTracesResponse(ids.Count == 1 ? "Trace deleted successfully" : "Traces deleted successfully"), ct);
    }
}

/// <summary>DELETE /api/public/traces/{traceId}: as the bulk deletion, for one trace.</summary>
sealed class DeleteTraceEndpoint(TraceDeletion deletion, IMessageBus bus) : Endpoint<DeleteTraceRequest, DeleteTracesResponse>
{
    public override void Configure()
    {
        Delete("/api/public/traces/{traceId}");
        Description(d => d.WithTags("Trace"));
    }

    public override async Task HandleAsync(DeleteTraceRequest r, CancellationToken ct)
    {
        await deletion.DeleteAsync(HttpContext.Project().ProjectId, [HttpContext.Decoded("traceId")], bus, ct);
        await Send.OkAsync(new DeleteTracesResponse("Trace deleted successfully"), ct);
    }
}

public sealed record DeleteTracesRequest
{
    public List<string>? TraceIds { get; init; }

    public sealed class Validator : Validator<DeleteTracesRequest>
    {
        public Validator()
        {
            RuleFor(r => r.TraceIds).NotNull().WithMessage("traceIds: required list of trace ids");
            RuleFor(r => r.TraceIds).Must(ids => ids!.Distinct().Count() is >= 1 and <= 1000).When(r => r.TraceIds is not null).WithMessage("traceIds: between 1 and 1000 ids");
        }
    }
}

public sealed record DeleteTraceRequest
{
    public string TraceId { get; init; } = "";

    public sealed class Validator : Validator<DeleteTraceRequest>
    {
        public Validator() => RuleFor(r => r.TraceId).NotEmpty();
    }
}

public sealed record DeleteTracesResponse(string Message);
