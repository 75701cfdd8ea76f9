using Langfuse.Infrastructure.ClickHouse;
using Langfuse.Infrastructure.Configuration;
using Langfuse.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Langfuse.Tests.Foundation;

[Collection(FoundationCollection.Name)]
public sealed class ClickHouseTests(AppFixture app)
{
    sealed record Value(string V);
    sealed record Count(ulong C);
    sealed record Row(string Id);

    public static TheoryData<string> HostileStrings => new()
    {
        "'; DROP TABLE schema_migrations; --",
        "\\",
        "\\'",
        "\\\\'",
        "' OR 1=1 --",
        "line\nbreak\r\nand\ttab",
        "nul\0byte",
        "{name:String} $1 ? %s",
        "`backtick` \"double\"",
        "emoji 🦆 and ünïcödé 中文",
        "\u0001\u001f\u007f control",
        "trailing backslash \\",
        new string('\'', 300),
        "*/ /* -- #",
    };

    [Theory]
    [MemberData(nameof(HostileStrings))]
    public async Task Hostile_strings_round_trip_unchanged(string hostile)
    {
        var gateway = app.Service<ClickHouseGateway>();
        var rows = await gateway.QueryAsync<Value>(Sql.Of($"SELECT {hostile} AS v"));
        rows.Single().V.ShouldBe(hostile);
    }

    /// <summary>Runs <paramref name="test"/> on a table of its own with the given columns, dropped afterwards.</summary>
    async Task WithScratchTableAsync(string columns, Func<ClickHouseGateway, string, Task> test)
    {
        var gateway = app.Service<ClickHouseGateway>();
        var table = "scratch_" + Guid.NewGuid().ToString("N")[..8];
        await gateway.ExecuteAsync(Sql.Trusted($"CREATE TABLE {table} ({columns}) ENGINE = MergeTree ORDER BY id"));
        try { await test(gateway, table); }
        finally { await gateway.ExecuteAsync(Sql.Trusted($"DROP TABLE {table}")); }
    }

    [Fact]
    public Task A_hostile_filter_matches_nothing_and_breaks_nothing() => WithScratchTableAsync("id String", async (gateway, table) =>
        {
            await gateway.ExecuteAsync(Sql.Of($"INSERT INTO {Sql.Trusted(table)} (id) VALUES ({"a"}), ({"it's"}), ({"back\\slash"})"));
            (await gateway.QueryAsync<Row>(Sql.Of($"SELECT id FROM {Sql.Trusted(table)} WHERE id = {"' OR 1=1 --"}"))).ShouldBeEmpty();
            (await gateway.QueryAsync<Row>(Sql.Of($"SELECT id FROM {Sql.Trusted(table)} WHERE id = {"it's"}"))).Single().Id.ShouldBe("it's");
            (await gateway.QueryAsync<Row>(Sql.Of($"SELECT id FROM {Sql.Trusted(table)} WHERE id = {"back\\slash"}"))).Single().Id.ShouldBe("back\\slash");
            (await gateway.QueryAsync<Count>(Sql.Trusted($"SELECT count() AS c FROM {table}"))).Single().C.ShouldBe(3UL);
        });

    [Fact]
    public void Values_without_a_safe_literal_are_refused()
    {
        Should.Throw<ArgumentException>(() => SqlLiteral.Of(double.NaN));
        Should.Throw<ArgumentException>(() => SqlLiteral.Of(new object()));
        Should.Throw<ArgumentException>(() => SqlLiteral.Identifier("traces; DROP"));
        SqlLiteral.Of(new[] { "a'b", "c" }).ShouldBe("['a\\'b','c']");
        SqlLiteral.Of(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)).ShouldBe("toDateTime('2024-01-02 03:04:05')");
    }

    [Fact]
    public async Task Migrations_apply_once_even_when_run_twice_and_from_two_instances_at_once()
    {
        var settings = app.Service<LangfuseSettings>();
        var postgres = app.Service<NpgsqlDataSource>();
        var database = "migtest_" + Guid.NewGuid().ToString("N")[..8];
        var migrations = new[]
        {
            new ClickHouseMigration(1, "first", "CREATE TABLE IF NOT EXISTS things (id String) ENGINE = MergeTree ORDER BY id;\n"),
            new ClickHouseMigration(2, "second", "-- a comment line\nINSERT INTO things (id) VALUES ('seeded');\nCREATE TABLE IF NOT EXISTS others (id String) ENGINE = MergeTree ORDER BY id;"),
        };
        var one = new ClickHouseMigrator(settings, postgres, NullLogger<ClickHouseMigrator>.Instance);
        var two = new ClickHouseMigrator(settings, postgres, NullLogger<ClickHouseMigrator>.Instance);
        var gateway = new ClickHouseGateway(settings, database);
        try
        {
            var results = await Task.WhenAll(
                Task.Run(() => one.MigrateAsync(migrations, database, CancellationToken.None)),
                Task.Run(() => two.MigrateAsync(migrations, database, CancellationToken.None)));
            results.SelectMany(r => r).Order().ShouldBe([1, 2]);

            (await one.MigrateAsync(migrations, database, CancellationToken.None)).ShouldBeEmpty();
            (await gateway.QueryAsync<Count>(Sql.Trusted("SELECT count() AS c FROM schema_migrations"))).Single().C.ShouldBe(2UL);
            // The data migration ran exactly once.
            (await gateway.QueryAsync<Count>(Sql.Trusted("SELECT count() AS c FROM things"))).Single().C.ShouldBe(1UL);
        }
        finally
        {
            using var server = new ClickHouseGateway(settings, "default");
            await server.ExecuteAsync(Sql.Trusted($"DROP DATABASE IF EXISTS {database}"));
            gateway.Dispose();
        }
    }

    [Fact]
    public async Task The_shipped_migrations_are_recorded_in_the_service_database()
    {
        var gateway = app.Service<ClickHouseGateway>();
        var recorded = await gateway.QueryAsync<Count>(Sql.Trusted("SELECT count(DISTINCT version) AS c FROM schema_migrations"));
        recorded.Single().C.ShouldBe((ulong)ClickHouseMigration.Embedded().Count);
    }

    /// <summary>Rows written while the insert is sent, in many sends: all arrive, in one insert.</summary>
    [Fact]
    public Task An_insert_written_while_it_is_sent_stores_every_row() => WithScratchTableAsync("id String, text String", async (gateway, table) =>
        {
            // ~3 MB in ~300 writes of 10 KB: far more than one send.
            await gateway.InsertJsonEachRowAsync(table, async (body, ct) =>
            {
                for (var i = 0; i < 30_000; i += 100)
                {
                    var chunk = new List<byte>();
                    for (var j = i; j < i + 100; j++) chunk.AddRange(System.Text.Encoding.UTF8.GetBytes($"{{\"id\":\"{j:D6}\",\"text\":\"{new string('x', 90)} \\\"quoted\\\" é\"}}\n"));
                    await body.WriteAsync(chunk.ToArray(), ct);
                }
            });
            (await gateway.QueryAsync<Count>(Sql.Trusted($"SELECT count() AS c FROM {table}"))).Single().C.ShouldBe(30_000UL);
            (await gateway.QueryAsync<Value>(Sql.Trusted($"SELECT text AS v FROM {table} WHERE id = '029999'"))).Single().V.ShouldBe(new string('x', 90) + " \"quoted\" é");
        });

    /// <summary>
    /// A row that cannot be written part way through an insert fails it with that row's own error, which callers
    /// treat as the content's fault (isolating the row), not as the store's (retrying forever); nothing is stored.
    /// </summary>
    [Fact]
    public Task A_failure_to_write_the_rows_is_reported_as_itself_and_stores_nothing() => WithScratchTableAsync("id String", async (gateway, table) =>
        {
            var failure = await Should.ThrowAsync<InvalidOperationException>(() => gateway.InsertJsonEachRowAsync(table, async (body, ct) =>
            {
                for (var i = 0; i < 200; i++)
                    await body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(j => $"{{\"id\":\"{i}-{j}\"}}\n"))), ct);
                throw new InvalidOperationException("row 20,000 cannot be written");
            }));
            failure.Message.ShouldBe("row 20,000 cannot be written");
            Langfuse.Infrastructure.Messaging.TransientFailure.Is(failure).ShouldBeFalse();
            (await gateway.QueryAsync<Count>(Sql.Trusted($"SELECT count() AS c FROM {table}"))).Single().C.ShouldBe(0UL);
        });
}
