using System.Diagnostics;
using Langfuse.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;

namespace Langfuse.Tests.Foundation;

public sealed class ConfigurationTests
{
    static readonly Dictionary<string, string?> Valid = new()
    {
        ["DATABASE_URL"] = "postgresql://user:p%40ss@db.example:5433/langfuse?schema=public",
        ["CLICKHOUSE_URL"] = "http://clickhouse:8123",
        ["REDIS_CONNECTION_STRING"] = "redis://:secret@redis:6380/2",
        ["SALT"] = "salt",
    };

    static LangfuseSettings Parse(Dictionary<string, string?> values) =>
        LangfuseSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    static Dictionary<string, string?> With(string key, string? value) => new(Valid) { [key] = value };

    [Fact]
    public void Langfuse_variable_names_are_understood()
    {
        var settings = Parse(Valid);
        settings.PostgresConnectionString.ShouldContain("Host=db.example");
        settings.PostgresConnectionString.ShouldContain("Port=5433");
        settings.PostgresConnectionString.ShouldContain("Password=p@ss");
        settings.PostgresConnectionString.ShouldContain("Search Path=public");
        settings.RedisConfiguration.ShouldBe("redis:6380,password=secret,defaultDatabase=2");
        settings.ClickHouseDatabase.ShouldBe("default");
        settings.Port.ShouldBe(3000);
        settings.Role.ShouldBe(ServiceRole.All);
    }

    [Fact]
    public void Redis_host_port_and_auth_work_without_a_connection_string()
    {
        var values = With("REDIS_CONNECTION_STRING", null);
        values["REDIS_HOST"] = "cache";
        values["REDIS_AUTH"] = "pw";
        Parse(values).RedisConfiguration.ShouldBe("cache:6379,password=pw");
    }

    [Theory]
    [InlineData("DATABASE_URL", null, "DATABASE_URL is required")]
    [InlineData("DATABASE_URL", "postgresql://host-only", "DATABASE_URL must look like")]
    [InlineData("CLICKHOUSE_URL", "clickhouse:8123", "CLICKHOUSE_URL must be an http(s) URL")]
    [InlineData("CLICKHOUSE_URL", null, "CLICKHOUSE_URL is required")]
    [InlineData("REDIS_CONNECTION_STRING", "tcp://redis", "REDIS_CONNECTION_STRING must look like")]
    [InlineData("SALT", null, "SALT is required")]
    [InlineData("PORT", "99999", "PORT must be a TCP port")]
    [InlineData("LANGFUSE_LOG_LEVEL", "loud", "LANGFUSE_LOG_LEVEL must be one of")]
    [InlineData("ENCRYPTION_KEY", "short", "ENCRYPTION_KEY must be 64 hex characters")]
    [InlineData("CLICKHOUSE_DB", "x; DROP", "CLICKHOUSE_DB must be a plain identifier")]
    [InlineData("LANGFUSE_SERVICE_ROLE", "everything", "LANGFUSE_SERVICE_ROLE must be all, api or worker")]
    [InlineData("LANGFUSE_INIT_ORG_ID", "org-only", "LANGFUSE_INIT_PROJECT_ID is required")]
    public void A_missing_or_malformed_setting_names_the_variable(string key, string? value, string expected)
    {
        var error = Should.Throw<ConfigurationException>(() => Parse(With(key, value)));
        error.Message.ShouldContain(expected);
        error.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void Init_keys_must_come_in_pairs_with_langfuse_prefixes()
    {
        var values = new Dictionary<string, string?>(Valid)
        {
            ["LANGFUSE_INIT_ORG_ID"] = "o", ["LANGFUSE_INIT_PROJECT_ID"] = "p", ["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"] = "pk-lf-1",
        };
        Should.Throw<ConfigurationException>(() => Parse(values)).Message.ShouldContain("must be set together");
        values["LANGFUSE_INIT_PROJECT_SECRET_KEY"] = "secret";
        Should.Throw<ConfigurationException>(() => Parse(values)).Message.ShouldContain("must start with sk-lf-");
    }

    [Fact]
    public async Task The_service_refuses_to_start_with_one_clear_line_naming_the_variable()
    {
        var app = Path.Combine(AppContext.BaseDirectory, "Langfuse.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", app])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var name in new[] { "DATABASE_URL", "CLICKHOUSE_URL", "REDIS_CONNECTION_STRING", "REDIS_HOST", "SALT" })
            start.Environment.Remove(name);
        start.Environment["CLICKHOUSE_URL"] = "not a url";
        start.Environment["DATABASE_URL"] = "postgresql://u:p@localhost:5432/db";
        start.Environment["REDIS_CONNECTION_STRING"] = "redis://localhost:6379";
        start.Environment["SALT"] = "s";
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        process.ExitCode.ShouldBe(2);
        stderr.Trim().ShouldBe("Configuration error: CLICKHOUSE_URL must be an http(s) URL such as http://localhost:8123 (got \"not a url\").");
    }
}
