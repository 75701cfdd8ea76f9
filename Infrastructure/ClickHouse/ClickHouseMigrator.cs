using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Langfuse.Infrastructure.Configuration;
using Npgsql;

namespace Langfuse.Infrastructure.ClickHouse;

public sealed record ClickHouseMigration(int Version, string Name, string Sql)
{
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)))[..16];

    /// <summary>Statements split at a semicolon that ends a line; ClickHouse takes one statement per request.</summary>
    public IEnumerable<string> Statements() =>
        Regex.Split(Sql, @";\s*(\r?\n|$)")
            .Select(s => string.Join('\n', s.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim())
            .Where(s => s.Length > 0);

    /// <summary>The migrations shipped in this assembly: Infrastructure/ClickHouse/Migrations/NNNN_name.sql.</summary>
    public static IReadOnlyList<ClickHouseMigration> Embedded()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var pattern = new Regex(@"Migrations\.(\d{4})_([A-Za-z0-9_]+)\.sql$");
        return assembly.GetManifestResourceNames()
            .Select(name => (name, match: pattern.Match(name)))
            .Where(x => x.match.Success)
            .Select(x =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(x.name)!);
                return new ClickHouseMigration(int.Parse(x.match.Groups[1].Value), x.match.Groups[2].Value, reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
    }
}

/// <summary>
/// Applies versioned SQL files in order and records them in <c>schema_migrations</c>. Two instances starting at once
/// serialise on a Postgres advisory lock (Postgres is shared by every instance; ClickHouse has no locks), and each
/// statement is written to be harmless when repeated, so a crash half-way is mended by the next start.
/// </summary>
public sealed class ClickHouseMigrator(LangfuseSettings settings, NpgsqlDataSource postgres, ILogger<ClickHouseMigrator> log)
{
    const long AdvisoryLockKey = 0x4c46_4348_4d49_4752; // "LFCHMIGR"

    sealed record Applied(int Version);

    public async Task<IReadOnlyList<int>> MigrateAsync(IReadOnlyList<ClickHouseMigration> migrations, string database, CancellationToken ct)
    {
        await using var lockConnection = await postgres.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            take.Parameters.AddWithValue("key", AdvisoryLockKey);
            await take.ExecuteNonQueryAsync(ct);
        }
        try
        {
            using (var server = new ClickHouseGateway(settings, "default"))
                await server.ExecuteAsync(Sql.Trusted($"CREATE DATABASE IF NOT EXISTS {SqlLiteral.Identifier(database)}"), ct);

            using var gateway = new ClickHouseGateway(settings, database);
            await gateway.ExecuteAsync(Sql.Trusted(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, checksum String, applied_at DateTime) " +
                "ENGINE = ReplacingMergeTree(applied_at) ORDER BY version"), ct);
            var applied = (await gateway.QueryAsync<Applied>(Sql.Trusted("SELECT DISTINCT version FROM schema_migrations"), ct))
                .Select(a => a.Version).ToHashSet();

            var newlyApplied = new List<int>();
            foreach (var migration in migrations.OrderBy(m => m.Version).Where(m => !applied.Contains(m.Version)))
            {
                log.LogInformation("Applying ClickHouse migration {Version} {Name}", migration.Version, migration.Name);
                foreach (var statement in migration.Statements())
                    await gateway.ExecuteAsync(Sql.Trusted(statement), ct);
                await gateway.ExecuteAsync(Sql.Of(
                    $"INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ({migration.Version}, {migration.Name}, {migration.Checksum}, now())"), ct);
                newlyApplied.Add(migration.Version);
            }
            return newlyApplied;
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", AdvisoryLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
