using JasperFx;
using JasperFx.MultiTenancy;
using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Configuration;
using Marten;
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
                // Wolverine migrates its envelope tables in the same schema under advisory lock 4006 (Marten's default is
                // 4004): on one lock, processes starting together on a fresh database (API and worker, parallel test
                // hosts) take turns instead of racing on CREATE TABLE (23505 on pg_type).
                opts.ApplyChangesLockId = 4006;
                opts.Policies.ForAllDocuments(mapping =>
                {
                    if (typeof(IProjectOwned).IsAssignableFrom(mapping.DocumentType)) mapping.TenancyStyle = TenancyStyle.Conjoined;
                });
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .IntegrateWithWolverine();
        services.AddHostedService<PostgresSchema>();

        // abortConnect=false: the service starts and reconnects by itself when Redis comes back.
        services.AddSingleton<IConnectionMultiplexer>(_ =>
            ConnectionMultiplexer.Connect(settings.RedisConfiguration + ",abortConnect=false,connectTimeout=3000,syncTimeout=5000,asyncTimeout=5000"));

        // Reads (the API) and ingestion (the worker) each have a pool of their own: see ClickHousePool.
        services.AddSingleton(_ => new ClickHouseGateway(settings, ClickHousePool.Reads(settings.Limits.ReadMaxExecutionSeconds, settings.Limits.ReadMaxMemoryBytes)));
        services.AddKeyedSingleton(ClickHousePool.Ingestion.Name, (_, _) => new ClickHouseGateway(settings, ClickHousePool.Ingestion));
        services.AddSingleton<ClickHouseMigrator>();
        services.AddHostedService<ClickHouseSchema>();
        return services;
    }
}

/// <summary>
/// Applies Marten's schema (documents and Wolverine's envelope tables) before the service takes requests, as
/// ApplyAllDatabaseChangesOnStartup would, but retried: processes starting together on a new database can still
/// collide on a CREATE TABLE (23505 on pg_type), and the retry then finds the table made by the other one.
/// </summary>
sealed class PostgresSchema(IDocumentStore store, ILogger<PostgresSchema> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                return;
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && !ct.IsCancellationRequested)
            {
                log.LogWarning("Postgres schema not applied yet (attempt {Attempt}: {Error}); retrying", attempt, e.GetBaseException().Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 200 * attempt)), ct);
            }
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
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
