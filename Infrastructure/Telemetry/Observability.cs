using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Configuration;
using Langfuse.Infrastructure.Messaging.RedisStreams;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Langfuse.Infrastructure.Telemetry;

public static class Observability
{
    /// <summary>Serilog: human-readable on a terminal, one JSON object a line otherwise (containers, CI).</summary>
    public static void AddLangfuseLogging(this WebApplicationBuilder builder, LangfuseSettings settings)
    {
        var level = settings.LogLevel switch
        {
            "trace" => LogEventLevel.Verbose,
            "debug" => LogEventLevel.Debug,
            "warn" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            "fatal" => LogEventLevel.Fatal,
            _ => LogEventLevel.Information,
        };
        builder.Services.AddSerilog((_, lc) =>
        {
            lc.MinimumLevel.Is(level)
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                .MinimumLevel.Override("Wolverine", LogEventLevel.Warning)
                .MinimumLevel.Override("Marten", LogEventLevel.Warning)
                .MinimumLevel.Override("JasperFx", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                // Wolverine logs every failed inline invocation with a stack trace; the Redis consumer already logs
                // each failure once, with its attempt number, and dead-letters with the reason.
                .Filter.ByExcluding(e => e.MessageTemplate.Text.StartsWith("Invocation of", StringComparison.Ordinal))
                .Enrich.FromLogContext()
                .Enrich.WithProperty("service", "langfuse-dotnet");
            if (Console.IsOutputRedirected) lc.WriteTo.Console(new RenderedCompactJsonFormatter());
            else lc.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}");
        });
    }

    /// <summary>Traces and metrics for HTTP, Postgres, Redis, Wolverine and the ClickHouse gateway; exported over OTLP when configured.</summary>
    public static void AddLangfuseTelemetry(this IServiceCollection services, LangfuseSettings settings)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("langfuse-dotnet", serviceVersion: typeof(Observability).Assembly.GetName().Version?.ToString(3)))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/api/public/health"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddRedisInstrumentation()
                    .AddSource("Wolverine")
                    .AddSource(ClickHouseGateway.Activity.Name)
                    .AddSource(RedisStreamPublisher.Activity.Name);
                if (settings.OtlpEndpoint is not null) t.AddOtlpExporter();
            })
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Wolverine")
                    .AddMeter("Npgsql")
                    .AddMeter(RedisStreamsMetrics.MeterName);
                if (settings.OtlpEndpoint is not null) m.AddOtlpExporter();
            });
    }
}
