using System.Net.Http.Headers;
using System.Text;
using Alba;
using JasperFx.CommandLine;
using Langfuse.Features.Projects;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Langfuse.Tests.Infrastructure;

/// <summary>A running service on the real stores; one per test collection.</summary>
public class AppFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    /// <summary>Settings that differ from the environment for this host (for example a store behind a fault proxy).</summary>
    protected virtual IDictionary<string, string> Overrides => new Dictionary<string, string>();

    public virtual async Task InitializeAsync() => Host = await StartInstanceAsync();

    /// <summary>Another instance of the service with this fixture's settings, on the same stores (the caller disposes it).</summary>
    public async Task<IAlbaHost> StartInstanceAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        return await AlbaHost.For<Program>(builder =>
        {
            // Every list and count of the tests goes through the per-range reads that large projects use.
            builder.UseSetting("LANGFUSE_READ_SPLIT_MIN_ROWS", "2");
            // Password hashing at 1,000 rounds instead of 210,000: the tests create hundreds of users, and the rounds
            // are a setting whose effect a unit test checks.
            builder.UseSetting("LANGFUSE_PASSWORD_HASH_ITERATIONS", "1000");
            foreach (var (key, value) in Overrides) builder.UseSetting(key, value);
            builder.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestClientAddress>();
                ConfigureServices(services);
            });
        });
    }

    protected virtual void ConfigureServices(IServiceCollection services) { }

    public virtual async Task DisposeAsync() => await Host.DisposeAsync();

    public T Service<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    /// <summary>A fresh organization, project and key pair, so that every test class works in its own project.</summary>
    public async Task<TestProject> CreateProjectAsync(string? name = null)
    {
        var id = "p-" + Guid.NewGuid().ToString("N")[..12];
        var org = "o-" + Guid.NewGuid().ToString("N")[..12];
        var provisioning = Service<ProjectProvisioning>();
        await provisioning.EnsureProjectAsync(org, "Org " + org, id, name ?? "Project " + id);
        var key = await provisioning.IssueKeyAsync(id);
        return new TestProject(id, org, key.PublicKey, key.SecretKey);
    }
}

public sealed record TestProject(string Id, string OrganizationId, string PublicKey, string SecretKey)
{
    public string BasicAuth => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{PublicKey}:{SecretKey}"));
    public AuthenticationHeaderValue Header => AuthenticationHeaderValue.Parse(BasicAuth);
}

[CollectionDefinition(Name)]
public sealed class FoundationCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "foundation";
}
