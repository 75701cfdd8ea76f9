using System.Text.RegularExpressions;
using Npgsql;

namespace Langfuse.Infrastructure.Configuration;

/// <summary>Thrown at start-up when a setting is missing or malformed; the message is one line for the operator.</summary>
public sealed class ConfigurationException(string message) : Exception(message);

public enum ServiceRole { All, Api, Worker }

/// <summary>
/// Every setting the service reads, under Langfuse's own environment variable names so that
/// self-hosters can move over. Parsed once at start-up; a bad value stops start-up naming the variable.
/// </summary>
public sealed record LangfuseSettings
{
    public required string PostgresConnectionString { get; init; }
    public required Uri ClickHouseUrl { get; init; }
    public required string ClickHouseUser { get; init; }
    public required string ClickHousePassword { get; init; }
    public required string ClickHouseDatabase { get; init; }
    public required string RedisConfiguration { get; init; }
    public required string Salt { get; init; }
    public string? EncryptionKey { get; init; }
    public int Port { get; init; } = 3000;
    public string Hostname { get; init; } = "0.0.0.0";
    public string LogLevel { get; init; } = "info";
    public string? OtlpEndpoint { get; init; }
    public ServiceRole Role { get; init; } = ServiceRole.All;
    public QueueSettings Queue { get; init; } = new();
    /// <summary>LANGFUSE_READ_SPLIT_MIN_ROWS: from this many rows of a project in a table, deduplicating reads run per key range in parallel.</summary>
    public int ReadSplitMinRows { get; init; } = 50_000;
    public InitSettings? Init { get; init; }
    public LimitSettings Limits { get; init; } = new();
    public IdentitySettings Identity { get; init; } = new();

    public bool RunsApi => Role is ServiceRole.All or ServiceRole.Api;
    public bool RunsWorkers => Role is ServiceRole.All or ServiceRole.Worker;

    public static LangfuseSettings From(IConfiguration config)
    {
        string Required(string name) =>
            Get(config, name) ?? throw new ConfigurationException($"{name} is required but not set.");

        var settings = new LangfuseSettings
        {
            PostgresConnectionString = ParsePostgresUrl(Required("DATABASE_URL")),
            ClickHouseUrl = ParseHttpUrl("CLICKHOUSE_URL", Required("CLICKHOUSE_URL")),
            ClickHouseUser = Get(config, "CLICKHOUSE_USER") ?? "default",
            ClickHousePassword = Get(config, "CLICKHOUSE_PASSWORD") ?? "",
            ClickHouseDatabase = ParseIdentifier("CLICKHOUSE_DB", Get(config, "CLICKHOUSE_DB") ?? "default"),
            RedisConfiguration = ParseRedis(config),
            Salt = Required("SALT"),
            EncryptionKey = ParseEncryptionKey(Get(config, "ENCRYPTION_KEY")),
            Port = ParsePort("PORT", Get(config, "PORT") ?? "3000"),
            Hostname = Get(config, "HOSTNAME") ?? "0.0.0.0",
            LogLevel = ParseLogLevel(Get(config, "LANGFUSE_LOG_LEVEL") ?? "info"),
            OtlpEndpoint = Get(config, "OTEL_EXPORTER_OTLP_ENDPOINT"),
            Role = ParseRole(Get(config, "LANGFUSE_SERVICE_ROLE") ?? "all"),
            Queue = new QueueSettings
            {
                MaxAttempts = ParsePositive(config, "LANGFUSE_QUEUE_MAX_ATTEMPTS", 8),
                BackoffBaseMs = ParsePositive(config, "LANGFUSE_QUEUE_BACKOFF_BASE_MS", 1000),
                BackoffMaxMs = ParsePositive(config, "LANGFUSE_QUEUE_BACKOFF_MAX_MS", 60_000),
                ClaimAfterMs = ParsePositive(config, "LANGFUSE_QUEUE_CLAIM_AFTER_MS", 60_000),
            },
            ReadSplitMinRows = ParsePositive(config, "LANGFUSE_READ_SPLIT_MIN_ROWS", 50_000),
            Init = InitSettings.From(config),
            Limits = new LimitSettings
            {
                IngestionPerMinute = ParseNonNegative(config, "LANGFUSE_RATE_LIMIT_INGESTION_PER_MINUTE", 12_000),
                PublicApiPerMinute = ParseNonNegative(config, "LANGFUSE_RATE_LIMIT_PUBLIC_API_PER_MINUTE", 6_000),
                MetricsPerMinute = ParseNonNegative(config, "LANGFUSE_RATE_LIMIT_METRICS_PER_MINUTE", 600),
                PromptsPerMinute = ParseNonNegative(config, "LANGFUSE_RATE_LIMIT_PROMPTS_PER_MINUTE", 30_000),
                FailedAuthPerMinute = ParseNonNegative(config, "LANGFUSE_RATE_LIMIT_FAILED_AUTH_PER_MINUTE", 60),
                ReadConcurrencyPerProject = ParsePositive(config, "LANGFUSE_READ_CONCURRENCY_PER_PROJECT", 4),
                ReadMaxExecutionSeconds = ParsePositive(config, "LANGFUSE_READ_MAX_EXECUTION_SECONDS", 30),
                ReadMaxMemoryBytes = ParsePositiveLong(config, "LANGFUSE_READ_MAX_MEMORY_BYTES", 2_000_000_000),
            },
            Identity = IdentitySettings.From(config),
        };
        if (settings.Identity.InitUser is not null && settings.Init is null)
            throw new ConfigurationException("LANGFUSE_INIT_USER_EMAIL needs LANGFUSE_INIT_ORG_ID: the initial user owns the initial organization.");
        RefuseExampleSecrets(config);
        return settings;
    }

    /// <summary>The placeholder secrets docker-compose.yml ships, which anyone can read.</summary>
    static readonly (string Name, string Value)[] ExampleSecrets =
    [
        ("SALT", "change-me-salt"),
        ("ENCRYPTION_KEY", new string('0', 64)),
        ("LANGFUSE_INIT_PROJECT_SECRET_KEY", "sk-lf-1234567890"),
        ("NEXTAUTH_SECRET", "change-me-nextauth-secret"),
        ("LANGFUSE_INIT_USER_PASSWORD", "change-me-password1!"),
    ];

    /// <summary>
    /// Start-up refuses docker-compose.yml's published example secrets (an instance reachable with them is open to
    /// anyone who read the file) unless LANGFUSE_LOCAL_TRIAL=true says this is a trial on one's own machine.
    /// </summary>
    static void RefuseExampleSecrets(IConfiguration config)
    {
        if (string.Equals(Get(config, "LANGFUSE_LOCAL_TRIAL"), "true", StringComparison.OrdinalIgnoreCase)) return;
        var published = ExampleSecrets.Where(s => string.Equals(Get(config, s.Name), s.Value, StringComparison.OrdinalIgnoreCase)).Select(s => s.Name).ToList();
        if (published.Count > 0)
            throw new ConfigurationException($"{string.Join(", ", published)} still hold the example values of docker-compose.yml: set your own (e.g. `openssl rand -hex 32`), or set LANGFUSE_LOCAL_TRIAL=true for a trial on your own machine.");
    }

    internal static string? Get(IConfiguration config, string name)
    {
        var value = config[name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>Accepts postgresql://user:password@host:port/db?schema=x (Langfuse's form) or an Npgsql string.</summary>
    public static string ParsePostgresUrl(string value)
    {
        const string expected = "DATABASE_URL must look like postgresql://user:password@host:5432/database";
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            try { return new NpgsqlConnectionStringBuilder(value) { }.ConnectionString; }
            catch (Exception) { throw new ConfigurationException($"{expected} (got something else)."); }
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new ConfigurationException($"{expected} (the URL does not parse).");
        var database = uri.AbsolutePath.Trim('/');
        if (database.Length == 0) throw new ConfigurationException($"{expected} (the database name is missing).");
        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(database),
            Username = userInfo.Length > 0 && userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : null,
            Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null,
            MaxPoolSize = 50,
        };
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv[0] is "schema" && kv.Length == 2) builder.SearchPath = Uri.UnescapeDataString(kv[1]);
            if (kv[0] is "sslmode" && kv.Length == 2 && Enum.TryParse<SslMode>(kv[1], true, out var ssl)) builder.SslMode = ssl;
        }
        return builder.ConnectionString;
    }

    internal static Uri ParseHttpUrl(string name, string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == "http" || uri.Scheme == "https"))
            return uri;
        throw new ConfigurationException($"{name} must be an http(s) URL such as http://localhost:8123 (got \"{value}\").");
    }

    static string ParseIdentifier(string name, string value) =>
        Regex.IsMatch(value, "^[A-Za-z_][A-Za-z0-9_]*$")
            ? value
            : throw new ConfigurationException($"{name} must be a plain identifier of letters, digits and underscores (got \"{value}\").");

    static int ParsePort(string name, string value) =>
        int.TryParse(value, out var port) && port is > 0 and < 65536
            ? port
            : throw new ConfigurationException($"{name} must be a TCP port between 1 and 65535 (got \"{value}\").");

    internal static int ParsePositive(IConfiguration config, string name, int fallback) => (int)ParseWhole(config, name, fallback, 1, int.MaxValue);
    static int ParseNonNegative(IConfiguration config, string name, int fallback) => (int)ParseWhole(config, name, fallback, 0, int.MaxValue);
    static long ParsePositiveLong(IConfiguration config, string name, long fallback) => ParseWhole(config, name, fallback, 1, long.MaxValue);

    internal static long ParseWhole(IConfiguration config, string name, long fallback, long min, long max)
    {
        var value = Get(config, name);
        if (value is null) return fallback;
        if (long.TryParse(value, out var n) && n >= min && n <= max) return n;
        throw new ConfigurationException(min == 0
            ? $"{name} must be a whole number, 0 to turn it off (got \"{value}\")."
            : $"{name} must be a positive whole number (got \"{value}\").");
    }

    static string ParseLogLevel(string value) =>
        value.ToLowerInvariant() is "trace" or "debug" or "info" or "warn" or "error" or "fatal"
            ? value.ToLowerInvariant()
            : throw new ConfigurationException($"LANGFUSE_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal (got \"{value}\").");

    static ServiceRole ParseRole(string value) => value.ToLowerInvariant() switch
    {
        "all" => ServiceRole.All,
        "api" or "web" => ServiceRole.Api,
        "worker" => ServiceRole.Worker,
        _ => throw new ConfigurationException($"LANGFUSE_SERVICE_ROLE must be all, api or worker (got \"{value}\")."),
    };

    static string? ParseEncryptionKey(string? value) =>
        value is null || Regex.IsMatch(value, "^[0-9a-fA-F]{64}$")
            ? value
            : throw new ConfigurationException("ENCRYPTION_KEY must be 64 hex characters (256 bits), e.g. from `openssl rand -hex 32`.");

    /// <summary>REDIS_CONNECTION_STRING (redis://[:password@]host:port[/db]) wins over REDIS_HOST/REDIS_PORT/REDIS_AUTH.</summary>
    static string ParseRedis(IConfiguration config)
    {
        var url = Get(config, "REDIS_CONNECTION_STRING");
        if (url is not null)
        {
            if (!url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
                throw new ConfigurationException($"REDIS_CONNECTION_STRING must look like redis://[:password@]host:6379 (got \"{url}\").");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
                throw new ConfigurationException("REDIS_CONNECTION_STRING must look like redis://[:password@]host:6379 (the URL does not parse).");
            var parts = new List<string> { $"{uri.Host}:{(uri.Port > 0 ? uri.Port : 6379)}" };
            var userInfo = uri.UserInfo.Split(':', 2);
            if (userInfo.Length == 2 && userInfo[0].Length > 0) parts.Add("user=" + Uri.UnescapeDataString(userInfo[0]));
            var password = userInfo.Length == 2 ? userInfo[1] : userInfo[0];
            if (password.Length > 0) parts.Add("password=" + Uri.UnescapeDataString(password));
            if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase)) parts.Add("ssl=true");
            var db = uri.AbsolutePath.Trim('/');
            if (db.Length > 0)
            {
                if (!int.TryParse(db, out _)) throw new ConfigurationException($"REDIS_CONNECTION_STRING database must be a number (got \"{db}\").");
                parts.Add("defaultDatabase=" + db);
            }
            return string.Join(',', parts);
        }
        var host = Get(config, "REDIS_HOST") ?? throw new ConfigurationException("REDIS_CONNECTION_STRING (or REDIS_HOST) is required but not set.");
        var port = ParsePort("REDIS_PORT", Get(config, "REDIS_PORT") ?? "6379");
        var auth = Get(config, "REDIS_AUTH");
        return auth is null ? $"{host}:{port}" : $"{host}:{port},password={auth}";
    }
}

/// <summary>
/// Fairness between projects: request rates per project and minute (Redis-held, so they hold across instances; 0 turns
/// one off), failed authentications per client address and minute, and what one project's reads may take of ClickHouse.
/// </summary>
public sealed record LimitSettings
{
    public int IngestionPerMinute { get; init; } = 12_000;
    public int PublicApiPerMinute { get; init; } = 6_000;
    public int MetricsPerMinute { get; init; } = 600;
    public int PromptsPerMinute { get; init; } = 30_000;
    public int FailedAuthPerMinute { get; init; } = 60;
    public int ReadConcurrencyPerProject { get; init; } = 4;
    public int ReadMaxExecutionSeconds { get; init; } = 30;
    public long ReadMaxMemoryBytes { get; init; } = 2_000_000_000;
}

/// <summary>LANGFUSE_QUEUE_*: retry and takeover timing of the Redis Streams consumers.</summary>
public sealed record QueueSettings
{
    public int MaxAttempts { get; init; } = 8;
    public int BackoffBaseMs { get; init; } = 1000;
    public int BackoffMaxMs { get; init; } = 60_000;
    public int ClaimAfterMs { get; init; } = 60_000;
}

/// <summary>LANGFUSE_INIT_*: an organization, project and API key created idempotently at start-up.</summary>
public sealed record InitSettings(
    string OrgId, string OrgName, string ProjectId, string ProjectName, string? PublicKey, string? SecretKey)
{
    public static InitSettings? From(IConfiguration config)
    {
        var orgId = LangfuseSettings.Get(config, "LANGFUSE_INIT_ORG_ID");
        var projectId = LangfuseSettings.Get(config, "LANGFUSE_INIT_PROJECT_ID");
        if (orgId is null && projectId is null) return null;
        if (orgId is null) throw new ConfigurationException("LANGFUSE_INIT_ORG_ID is required when LANGFUSE_INIT_PROJECT_ID is set.");
        if (projectId is null) throw new ConfigurationException("LANGFUSE_INIT_PROJECT_ID is required when LANGFUSE_INIT_ORG_ID is set.");
        var pk = LangfuseSettings.Get(config, "LANGFUSE_INIT_PROJECT_PUBLIC_KEY");
        var sk = LangfuseSettings.Get(config, "LANGFUSE_INIT_PROJECT_SECRET_KEY");
        if ((pk is null) != (sk is null))
            throw new ConfigurationException("LANGFUSE_INIT_PROJECT_PUBLIC_KEY and LANGFUSE_INIT_PROJECT_SECRET_KEY must be set together.");
        if (pk is not null && !pk.StartsWith("pk-lf-", StringComparison.Ordinal))
            throw new ConfigurationException("LANGFUSE_INIT_PROJECT_PUBLIC_KEY must start with pk-lf-.");
        if (sk is not null && !sk.StartsWith("sk-lf-", StringComparison.Ordinal))
            throw new ConfigurationException("LANGFUSE_INIT_PROJECT_SECRET_KEY must start with sk-lf-.");
        return new InitSettings(orgId, LangfuseSettings.Get(config, "LANGFUSE_INIT_ORG_NAME") ?? orgId,
            projectId, LangfuseSettings.Get(config, "LANGFUSE_INIT_PROJECT_NAME") ?? projectId, pk, sk);
    }
}

/// <summary>Sign-in and web sessions, under the names Langfuse uses for them.</summary>
public sealed record IdentitySettings
{
    /// <summary>AUTH_DISABLE_SIGNUP=true: only invited (or initial) users get accounts; sign-up answers 403.</summary>
    public bool DisableSignup { get; init; }
    /// <summary>NEXTAUTH_URL: the address people open the web app at; an https address makes every cookie Secure, and invitation links point there.</summary>
    public Uri? PublicUrl { get; init; }
    /// <summary>NEXTAUTH_SECRET: encrypts the cookie-signing keys kept in Postgres (falls back to a key derived from SALT).</summary>
    public string? SessionSecret { get; init; }
    /// <summary>AUTH_SESSION_MAX_AGE, in minutes as in Langfuse (default 30 days); each use of a session renews it.</summary>
    public int SessionMaxAgeMinutes { get; init; } = 30 * 24 * 60;
    /// <summary>LANGFUSE_PASSWORD_HASH_ITERATIONS: PBKDF2-HMAC-SHA512 rounds (OWASP's 2023 advice: 210,000).</summary>
    public int PasswordHashIterations { get; init; } = 210_000;
    /// <summary>Sign-in attempts per minute for one email address, and for one client address, across instances.</summary>
    public int SignInPerMinutePerAccount { get; init; } = 10;
    public int SignInPerMinutePerClient { get; init; } = 30;
    public InitUserSettings? InitUser { get; init; }

    public static IdentitySettings From(IConfiguration config)
    {
        var url = LangfuseSettings.Get(config, "NEXTAUTH_URL");
        return new IdentitySettings
        {
            DisableSignup = string.Equals(LangfuseSettings.Get(config, "AUTH_DISABLE_SIGNUP"), "true", StringComparison.OrdinalIgnoreCase),
            PublicUrl = url is null ? null : LangfuseSettings.ParseHttpUrl("NEXTAUTH_URL", url),
            SessionSecret = LangfuseSettings.Get(config, "NEXTAUTH_SECRET"),
            SessionMaxAgeMinutes = LangfuseSettings.ParsePositive(config, "AUTH_SESSION_MAX_AGE", 30 * 24 * 60),
            PasswordHashIterations = (int)LangfuseSettings.ParseWhole(config, "LANGFUSE_PASSWORD_HASH_ITERATIONS", 210_000, 1_000, 10_000_000),
            SignInPerMinutePerAccount = LangfuseSettings.ParsePositive(config, "LANGFUSE_RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_MINUTE", 10),
            SignInPerMinutePerClient = LangfuseSettings.ParsePositive(config, "LANGFUSE_RATE_LIMIT_SIGN_IN_PER_CLIENT_PER_MINUTE", 30),
            InitUser = InitUserSettings.From(config),
        };
    }
}

/// <summary>LANGFUSE_INIT_USER_*: a user created at start-up as owner of the initial organization.</summary>
public sealed record InitUserSettings(string Email, string Name, string Password)
{
    public static InitUserSettings? From(IConfiguration config)
    {
        var email = LangfuseSettings.Get(config, "LANGFUSE_INIT_USER_EMAIL");
        var password = LangfuseSettings.Get(config, "LANGFUSE_INIT_USER_PASSWORD");
        if (email is null && password is null) return null;
        if (email is null || password is null)
            throw new ConfigurationException("LANGFUSE_INIT_USER_EMAIL and LANGFUSE_INIT_USER_PASSWORD must be set together.");
        return new InitUserSettings(email, LangfuseSettings.Get(config, "LANGFUSE_INIT_USER_NAME") ?? email, password);
    }
}
