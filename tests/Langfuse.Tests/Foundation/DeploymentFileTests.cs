using Langfuse.Infrastructure.Configuration;
using Langfuse.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Langfuse.Tests.Foundation;

/// <summary>No Docker engine runs here, so the compose file's wiring is checked by reading it.</summary>
public sealed class DeploymentFileTests
{
    static YamlMappingNode Compose()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(RepoFiles.Path("docker-compose.yml"))));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];
    static string Scalar(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)]).Value!;

    static Dictionary<string, string> AppEnvironment() =>
        Map(Map(Map(Compose(), "services"), "langfuse"), "environment").Children
            .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "");

    [Fact]
    public void Compose_has_the_app_and_its_three_stores_with_health_checks_and_volumes()
    {
        var services = Map(Compose(), "services");
        services.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ShouldBe(["langfuse", "postgres", "clickhouse", "redis"], ignoreOrder: true);
        foreach (var name in new[] { "langfuse", "postgres", "clickhouse", "redis" })
            Map(services, name).Children.ShouldContainKey(new YamlScalarNode("healthcheck"), $"{name} has no health check");
        foreach (var store in new[] { "postgres", "clickhouse", "redis" })
        {
            Scalar(Map(Map(Map(services, "langfuse"), "depends_on"), store), "condition").ShouldBe("service_healthy");
            Map(services, store).Children.ShouldContainKey(new YamlScalarNode("volumes"), $"{store} keeps no data");
        }
        ((YamlSequenceNode)Map(services, "langfuse").Children[new YamlScalarNode("ports")]).Children
            .Select(p => ((YamlScalarNode)p).Value).ShouldContain("3000:3000");
        var redisCommand = string.Join(' ', ((YamlSequenceNode)Map(services, "redis").Children[new YamlScalarNode("command")]).Children.Select(c => ((YamlScalarNode)c).Value));
        redisCommand.ShouldContain("--appendonly yes");
    }

    [Fact]
    public void The_app_environment_uses_Langfuse_names_that_point_at_the_compose_services_and_parses()
    {
        var env = AppEnvironment();
        foreach (var name in new[] { "DATABASE_URL", "CLICKHOUSE_URL", "CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD", "CLICKHOUSE_DB", "REDIS_CONNECTION_STRING", "SALT", "PORT", "LANGFUSE_INIT_PROJECT_PUBLIC_KEY" })
            env.ShouldContainKey(name);
        new Uri(env["DATABASE_URL"]).Host.ShouldBe("postgres");
        new Uri(env["CLICKHOUSE_URL"]).Host.ShouldBe("clickhouse");
        new Uri(env["REDIS_CONNECTION_STRING"]).Host.ShouldBe("redis");

        // The same parser the service runs refuses the compose file's published example secrets as they are,
        // naming them, and accepts them for a declared local trial.
        var refused = Should.Throw<ConfigurationException>(() => LangfuseSettings.From(new ConfigurationBuilder().AddInMemoryCollection(env!).Build()));
        refused.Message.ShouldContain("SALT");
        refused.Message.ShouldContain("LANGFUSE_LOCAL_TRIAL");
        env["LANGFUSE_LOCAL_TRIAL"] = "true";
        var settings = LangfuseSettings.From(new ConfigurationBuilder().AddInMemoryCollection(env!).Build());
        settings.Port.ShouldBe(3000);
        settings.Init.ShouldNotBeNull().PublicKey.ShouldBe(env["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"]);

        // Credentials agree between the app and the stores it talks to.
        var services = Map(Compose(), "services");
        Scalar(Map(Map(services, "clickhouse"), "environment"), "CLICKHOUSE_PASSWORD").ShouldBe(env["CLICKHOUSE_PASSWORD"]);
        Scalar(Map(Map(services, "postgres"), "environment"), "POSTGRES_PASSWORD").ShouldBe(new Uri(env["DATABASE_URL"]).UserInfo.Split(':')[1]);
        var redisCommand = string.Join(' ', ((YamlSequenceNode)Map(services, "redis").Children[new YamlScalarNode("command")]).Children.Select(c => ((YamlScalarNode)c).Value));
        redisCommand.ShouldContain("--requirepass " + new Uri(env["REDIS_CONNECTION_STRING"]).UserInfo.TrimStart(':'));
    }

    [Fact]
    public void The_image_runs_as_a_non_root_user_and_probes_its_own_health()
    {
        var dockerfile = File.ReadAllText(RepoFiles.Path("Dockerfile"));
        dockerfile.ShouldContain("USER app");
        dockerfile.ShouldContain("EXPOSE 3000");
        dockerfile.ShouldContain("HEALTHCHECK");
        // Node builds the web app, the SDK publishes, the runtime image carries neither.
        dockerfile.Split('\n').Where(l => l.StartsWith("FROM ")).Select(l => l.Split(' ')[1].Split(':')[0])
            .ShouldBe(["node", "mcr.microsoft.com/dotnet/sdk", "mcr.microsoft.com/dotnet/aspnet"]);
        dockerfile.ShouldContain("-p:SkipWebBuild=true");
    }
}
