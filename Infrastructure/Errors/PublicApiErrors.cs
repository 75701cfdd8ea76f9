using System.Diagnostics;
using FluentValidation.Results;
using Microsoft.AspNetCore.Diagnostics;

namespace Langfuse.Infrastructure.Errors;

/// <summary>
/// Errors in Langfuse's JSON shape ({"message", "error"}) for everything under /api/public: unknown routes (404),
/// wrong methods (405), bodies over the limit (413), validation (400), and unexpected failures (500 with a
/// correlation id and no stack trace).
/// </summary>
public static class PublicApiErrors
{
    public const string PublicPrefix = "/api/public";

    /// <summary>
    /// A business rule that refused the request (thrown by a handler): its status and message in Langfuse's shape,
    /// answered here rather than by the exception handler, which would log every refusal as a server error. Inside the
    /// request log, so that the log shows the status the client got.
    /// </summary>
    public static IApplicationBuilder UseApiProblems(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try { await next(context); }
        catch (ApiProblem problem) when (!context.Response.HasStarted)
        {
            if (problem.RetryAfterSeconds is { } retry) context.Response.Headers.RetryAfter = retry.ToString();
            await WriteAsync(context, problem.Status, problem.Message, problem.ErrorName);
        }
    });

    public static IApplicationBuilder UseLangfuseErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(handler => handler.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (error is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                await WriteAsync(context, 413, "Request body is larger than this endpoint accepts", "PayloadTooLargeError");
                return;
            }
            if (error is BadHttpRequestException bad)
            {
                await WriteAsync(context, bad.StatusCode, bad.Message, "InvalidRequestError");
                return;
            }
            if (ReadLimit(error, context) is { } limit)
            {
                context.Response.Headers.RetryAfter = "5";
                await WriteAsync(context, 503, limit, "ServiceUnavailable");
                return;
            }
            var correlationId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Langfuse.Errors")
                .LogError(error, "Unhandled error on {Method} {Path} (correlation id {CorrelationId})", context.Request.Method, context.Request.Path, correlationId);
            context.Response.StatusCode = 500;
            await context.Response.WriteAsJsonAsync(new { message = "Internal Server Error", error = "Internal Server Error", correlationId });
        }));

        app.UseStatusCodePages(async statusContext =>
        {
            var context = statusContext.HttpContext;
            if (!context.Request.Path.StartsWithSegments(PublicPrefix) && !context.Request.Path.StartsWithSegments(Auth.WebSessions.Prefix)) return;
            switch (context.Response.StatusCode)
            {
                case 404: await WriteAsync(context, 404, $"Route {context.Request.Method} {context.Request.Path} not found", "LangfuseNotFoundError"); break;
                case 405: await WriteAsync(context, 405, $"Method {context.Request.Method} not allowed on {context.Request.Path}", "MethodNotAllowedError"); break;
                case 413: await WriteAsync(context, 413, "Request body is larger than this endpoint accepts", "PayloadTooLargeError"); break;
                case 415: await WriteAsync(context, 415, "Unsupported content type", "InvalidRequestError"); break;
            }
        });
        return app;
    }

    /// <summary>
    /// A read that ClickHouse stopped at one of its limits (time, memory, concurrent queries), or that the gateway
    /// gave up waiting for: a 503 naming the limit, so the client knows to narrow the query or retry, not a 500.
    /// </summary>
    static string? ReadLimit(Exception? error, HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<Configuration.LangfuseSettings>().Limits;
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case ClickHouse.ClickHouseException { ServerCode: 159 }:
                    return $"The query exceeded the read time limit ({settings.ReadMaxExecutionSeconds} s, LANGFUSE_READ_MAX_EXECUTION_SECONDS): narrow the time range or the filters";
                case ClickHouse.ClickHouseException { ServerCode: 241 }:
                    return $"The query exceeded the read memory limit ({settings.ReadMaxMemoryBytes} bytes, LANGFUSE_READ_MAX_MEMORY_BYTES): narrow the time range or the filters";
                case ClickHouse.ClickHouseException { ServerCode: 202 }:
                    return "ClickHouse is running as many queries as it allows; retry shortly";
                case TaskCanceledException when !context.RequestAborted.IsCancellationRequested:
                    return "ClickHouse did not answer in time; retry shortly";
            }
        }
        return null;
    }

    public static Task WriteAsync(HttpContext context, int status, string message, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { message, error });
    }

    /// <summary>FastEndpoints' validation failures as Langfuse's zod-style 400 body.</summary>
    public static object ValidationBody(List<ValidationFailure> failures, HttpContext _, int __) => new
    {
        message = "Invalid request data",
        error = failures.Select(f => new
        {
            path = f.PropertyName.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(ToCamel).ToArray(),
            message = f.ErrorMessage,
        }).ToArray(),
    };

    static string ToCamel(string name) => name.Length > 0 && char.IsUpper(name[0]) ? char.ToLowerInvariant(name[0]) + name[1..] : name;
}
