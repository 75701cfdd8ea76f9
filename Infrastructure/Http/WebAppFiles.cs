using Microsoft.Extensions.FileProviders;

namespace Langfuse.Infrastructure.Http;

/// <summary>
/// Serves the built web app (wwwroot/ beside the service's assembly) at /: hashed assets cached for a year, and
/// index.html for every other GET outside /api, so that links like /project/{id}/traces/{traceId} open the app.
/// Unknown /api paths keep their JSON 404.
/// </summary>
public static class WebAppFiles
{
    public static WebApplication UseWebApp(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root)) return app;
        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = c =>
            {
                if (c.Context.Request.Path.StartsWithSegments("/assets")) c.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            },
        });
        // A middleware, not a fallback endpoint: an endpoint would turn the API's 405s (a known path, another method)
        // into matches, and take requests that later middleware is meant to see.
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (context.GetEndpoint() is null && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                && !path.StartsWithSegments("/api") && !path.StartsWithSegments("/swagger") && !Path.HasExtension(path.Value))
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.Headers.CacheControl = "no-cache";
                await context.Response.SendFileAsync(files.GetFileInfo("index.html"));
                return;
            }
            await next(context);
        });
        return app;
    }
}
