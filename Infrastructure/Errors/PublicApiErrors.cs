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
            var correlationId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Langfuse.Errors")
                .LogError(error, "Unhandled error on {Method} {Path} (correlation id {CorrelationId})", context.Request.Method, context.Request.Path, correlationId);
            context.Response.StatusCode = 500;
            await context.Response.WriteAsJsonAsync(new { message = "Internal Server Error", error = "Internal Server Error", correlationId });
        }));

        app.UseStatusCodePages(async statusContext =>
        {
            var context = statusContext.HttpContext;
            if (!context.Request.Path.StartsWithSegments(PublicPrefix)) return;
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
