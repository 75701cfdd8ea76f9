namespace Langfuse.Infrastructure.Errors;

/// <summary>
/// A business-rule violation raised by a handler, answered with its status in Langfuse's error shape by the one
/// error path (<c>UseApiProblems</c>); endpoints throw it and never write errors themselves.
/// </summary>
public class ApiProblem(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string ErrorName => Status switch
    {
        401 => "UnauthorizedError", 403 => "ForbiddenError", 404 => "LangfuseNotFoundError", 409 => "LangfuseConflictError",
        410 => "GoneError", 413 => "PayloadTooLargeError", 429 => "TooManyRequestsError", 503 => "ServiceUnavailableError", _ => "InvalidRequestError",
    };

    /// <summary>Seconds to send as Retry-After (with 429s).</summary>
    public int? RetryAfterSeconds { get; init; }
}
