using JasperFx;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Configuration;
using Marten;
using JasperFx.MultiTenancy;
using Npgsql;
using StackExchange.Redis;
using Wolverine.Marten;

namespace Langfuse.Infrastructure.Persistence;

/// <summary>
/// Marks a Marten document as belonging to one project. Such documents are stored with Marten's conjoined
/// tenancy keyed by project id, so a session opened for a project cannot read or write another project's rows.
/// </summary>
public interface IProjectOwned;

public static class Stores
{
    public static IServiceCollection AddLangfuseStores(this IServiceCollection services, LangfuseSettings settings)
    {
        var dataSource = new NpgsqlDataSourceBuilder(settings.PostgresConnectionString) { Name = "langfuse" }.Build();
        services.AddSingleton(dataSource);

        services.AddMarten(opts =>
            {
                opts.DatabaseSchemaName = "langfuse";
                opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                opts.Policies.ForAllDocuments(mapping =>
                {
                    if (typeof(IProjectOwned).IsAssignableFrom(mapping.DocumentType)) mapping.TenancyStyle = TenancyStyle.Conjoined;
                });
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .IntegrateWithWolverine()
            .ApplyAllDatabaseChangesOnStartup();

        // abortConnect=false: the service starts and reconnects by itself when Redis comes back.
        services.AddSingleton<IConnectionMultiplexer>(_ =>
            ConnectionMultiplexer.Connect(settings.RedisConfiguration + ",abortConnect=false,connectTimeout=3000,syncTimeout=5000,asyncTimeout=5000"));

        services.AddSingleton(_ => new ClickHouseGateway(settings));
        services.AddSingleton<ClickHouseMigrator>();
        services.AddHostedService<ClickHouseSchema>();
        return services;
    }
}

/// <summary>Applies the ClickHouse migrations before the service takes requests; waits for ClickHouse for up to a minute.</summary>
sealed class ClickHouseSchema(ClickHouseMigrator migrator, LangfuseSettings settings, ILogger<ClickHouseSchema> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var applied = await migrator.MigrateAsync(ClickHouseMigration.Embedded(), settings.ClickHouseDatabase, ct);
                if (applied.Count > 0) log.LogInformation("ClickHouse migrations applied: {Versions}", applied);
                return;
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && !ct.IsCancellationRequested)
            {
                log.LogWarning("ClickHouse not ready ({Error}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
