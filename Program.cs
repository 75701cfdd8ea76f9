using FastEndpoints;
using FastEndpoints.Swagger;
using JasperFx;
using Langfuse.Features.AuditLog;
using Langfuse.Features.Datasets;
using Langfuse.Features.Health;
using Langfuse.Features.Ingestion;
using Langfuse.Features.Models;
using Langfuse.Features.Organizations;
using Langfuse.Features.Projects;
using Langfuse.Features.Prompts;
using Langfuse.Features.Tracing;
using Langfuse.Features.Users;
using Langfuse.Infrastructure.Auth;
using Langfuse.Infrastructure.Configuration;
using Langfuse.Infrastructure.Errors;
using Langfuse.Infrastructure.Http;
using Langfuse.Infrastructure.Messaging.RedisStreams;
using Langfuse.Infrastructure.Persistence;
using Langfuse.Infrastructure.Telemetry;
using Serilog;
using Wolverine;

// Regexes that users write (JSON Schema patterns) run under this limit unless they set their own.
AppContext.SetData("REGEX_DEFAULT_MATCH_TIMEOUT", Langfuse.Infrastructure.Validation.UserRegex.DefaultTimeout);

// `dotnet Langfuse.dll healthcheck`: the container's health probe (the runtime image has no curl).
if (args is ["healthcheck", ..])
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
    var port = Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } p ? p : "3000";
    try { return (await http.GetAsync($"http://127.0.0.1:{port}/api/public/health")).IsSuccessStatusCode ? 0 : 1; }
    catch (Exception) { return 1; }
}

var builder = WebApplication.CreateBuilder(args);

LangfuseSettings settings;
try
{
    settings = LangfuseSettings.From(builder.Configuration);
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"Configuration error: {e.Message}");
    return 2;
}

// `dotnet Langfuse.dll dead-letters [list|replay]`: what the workers could not process, listed or put back.
if (args is ["dead-letters", ..]) return await DeadLetterCommand.RunAsync(args, settings.RedisConfiguration, Console.Out);

builder.Services.AddSingleton(settings);
builder.WebHost.UseUrls($"http://{settings.Hostname}:{settings.Port}");
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 32 * 1024 * 1024);
builder.AddLangfuseLogging(settings);
builder.Services.AddLangfuseTelemetry(settings);

builder.Services.AddLangfuseStores(settings);
builder.Services.AddLangfuseAuth();
builder.Services.AddLangfuseWebSessions(settings);
builder.Services.AddSingleton<StoreProbe>();
builder.Services.AddProjectsFeature();
builder.Services.AddOrganizationsFeature();
builder.Services.AddUsersFeature();
builder.Services.AddAuditLogFeature();
builder.Services.AddModelsFeature();
builder.Services.AddPromptsFeature();
builder.Services.AddDatasetsFeature();
builder.Services.AddTracingFeature();
builder.Services.AddIngestionFeature();
// Registered after the features: hosted services stop in reverse order, so consumers stop reading and drain
// before the handlers' own services (the ingestion pipeline) shut down.
builder.Services.AddRedisStreams(settings.RunsWorkers, streams => streams.AddIngestionQueues(settings.Queue));

builder.Host.UseWolverine(opts =>
{
    // Handler code generated ahead of time (`dotnet run -- codegen write`, checked by a test) is loaded as is;
    // a handler added since falls back to runtime compilation instead of being dropped. This spares ~200 MB of
    // Roslyn working set in steady state.
    opts.CodeGeneration.TypeLoadMode = JasperFx.CodeGeneration.TypeLoadMode.Auto;
    opts.CodeGeneration.GeneratedCodeOutputPath = Path.Combine(builder.Environment.ContentRootPath, "Infrastructure", "Messaging", "Generated");
    opts.Policies.AutoApplyTransactions();
    opts.Policies.UseDurableLocalQueues();
});

builder.Services.AddFastEndpoints();
// Inputs and outputs may nest as deep as the ingestion parser accepts (256); responses must serialise them too.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = 512);
builder.Services.SwaggerDocument(o =>
{
    o.DocumentSettings = s =>
    {
        s.Title = "Langfuse public API (.NET)";
        s.Version = "v1";
        // Free JSON (inputs, outputs, metadata) is "any value" in the document, not JsonNode's own members.
        foreach (var free in new[] { typeof(System.Text.Json.Nodes.JsonNode), typeof(System.Text.Json.Nodes.JsonObject), typeof(System.Text.Json.JsonElement) })
            s.SchemaSettings.TypeMappers.Add(new NJsonSchema.Generation.TypeMappers.PrimitiveTypeMapper(free, _ => { }));
        s.SchemaSettings.SchemaProcessors.Add(new Langfuse.Infrastructure.Http.RecordSchemas());
        s.AddAuth("BasicAuth", new() { Type = NSwag.OpenApiSecuritySchemeType.Basic, Scheme = "basic", Description = "public key : secret key" });
    };
    o.EnableJWTBearerAuth = false;
});

var app = builder.Build();

app.UseLangfuseErrors();
app.UseSerilogRequestLogging(o => o.GetLevel = (ctx, _, ex) =>
    ex is not null || ctx.Response.StatusCode >= 500 ? Serilog.Events.LogEventLevel.Error
    : ctx.Request.Path.StartsWithSegments("/api/public/health") ? Serilog.Events.LogEventLevel.Verbose
    : Serilog.Events.LogEventLevel.Debug);
app.UseApiProblems();
app.UsePublicUrlScheme(settings);
app.UseAuthentication();
app.UseCsrfProtection();
app.UseMiddleware<Langfuse.Infrastructure.RateLimiting.PublicApiLimits>();
app.UseAuthorization();
app.UseJsonBodyGuard();
app.UseFastEndpoints(c =>
{
    c.Errors.ResponseBuilder = PublicApiErrors.ValidationBody;
    c.Errors.StatusCode = StatusCodes.Status400BadRequest;
    Langfuse.Infrastructure.Http.ApiJson.Configure(c.Serializer.Options);
});
app.UseSwaggerGen(uiConfig: ui => ui.Path = "/api/public/docs");
app.UseWebApp();

// JasperFx's command runner (codegen, describe, resources) scans every assembly for commands and says so on the
// console a dozen times: serving (no verb, perhaps host options such as --urls) needs none of it.
if (args.Length == 0 || args[0].StartsWith('-'))
{
    await app.RunAsync();
    return 0;
}
return await app.RunJasperFxCommands(args);

public partial class Program;
