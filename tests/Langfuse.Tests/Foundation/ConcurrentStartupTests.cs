using Alba;
using Langfuse.Tests.Infrastructure;
using Npgsql;
using Wolverine;

namespace Langfuse.Tests.Foundation;

/// <summary>
/// Several service instances starting at once on a brand-new database (API and worker containers on first boot)
/// all come up: Marten's and Wolverine's schema work take turns on one lock instead of racing.
/// </summary>
public sealed class ConcurrentStartupTests
{
    [Fact]
    public async Task Four_hosts_starting_together_on_an_empty_database_all_start()
    {
        var url = new Uri(TestStores.Get("DATABASE_URL").Replace("postgresql://", "http://"));
        var database = $"langfuse_startup_{Guid.NewGuid():N}"[..40];
        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host, Port = url.Port, Username = Uri.UnescapeDataString(url.UserInfo.Split(':')[0]),
            Password = Uri.UnescapeDataString(url.UserInfo.Split(':')[1]), Database = "postgres",
        }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", connection).ExecuteNonQueryAsync();
        }
        var hosts = new List<IAlbaHost>();
        try
        {
            // Each start on its own thread: building a host does much of its work before its first await.
            var starting = Enumerable.Range(0, 8).Select(_ => Task.Run(() => AlbaHost.For<Program>(builder =>
            {
                builder.UseSetting("DATABASE_URL", TestStores.Get("DATABASE_URL").Replace(url.AbsolutePath, "/" + database));
                // Their own Redis database too: workers on the run's shared stream would take other tests' events and,
                // finding those projects missing from this empty database, drop them as deleted.
                builder.UseSetting("REDIS_CONNECTION_STRING", TestStores.Get("REDIS_CONNECTION_STRING").TrimEnd('/') + "/9");
                builder.ConfigureServices(services => services.RunWolverineInSoloMode());
            }))).ToList();
            foreach (var host in starting)
            {
                try { hosts.Add(await host); }
                catch (Exception e) { throw new ShouldAssertException($"a host failed to start: {e.GetBaseException().Message}"); }
            }
            hosts.Count.ShouldBe(8);
            foreach (var host in hosts)
                (await host.Scenario(s => { s.Get.Url("/api/public/health"); s.StatusCodeShouldBeOk(); })).ShouldNotBeNull();
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection).ExecuteNonQueryAsync();
        }
    }
}
