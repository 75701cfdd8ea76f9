using Langfuse.Infrastructure.Auth;

namespace Langfuse.Infrastructure.Errors;

/// <summary>A business-rule violation raised by a handler, answered with its status in Langfuse's error shape.</summary>
public class ApiProblem(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string ErrorName => Status switch
    {
        401 => "UnauthorizedError", 403 => "ForbiddenError", 404 => "LangfuseNotFoundError", 409 => "LangfuseConflictError",
        410 => "GoneError", 429 => "TooManyRequestsError", 503 => "ServiceUnavailableError", _ => "InvalidRequestError",
    };

    /// <summary>Seconds to send as Retry-After (with 429s).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Runs an endpoint body for the authenticated project, turning <see cref="ApiProblem"/>s into responses.</summary>
    public static async Task RunAsync(HttpContext http, Func<string, Task> action)
    {
        try { await action(http.Project().ProjectId); }
        catch (ApiProblem e) { await PublicApiErrors.WriteAsync(http, e.Status, e.Message, e.ErrorName); }
    }
}
