using Langfuse.Infrastructure.Configuration;
using Marten;

namespace Langfuse.Features.Users;

public static class UsersModule
{
    public static IServiceCollection AddUsersFeature(this IServiceCollection services)
    {
        services.ConfigureMarten(opts => opts.Schema.For<User>().UniqueIndex(u => u.Email));
        services.AddSingleton<Passwords>();
        services.AddSingleton<Accounts>();
        services.AddHostedService<InitializeUserFromEnvironment>();
        return services;
    }
}

/// <summary>
/// LANGFUSE_INIT_USER_*: the initial user, owner of the initial organization. Registered after the projects' own
/// initialisation (hosted services start in order), so the organization exists.
/// </summary>
sealed class InitializeUserFromEnvironment(LangfuseSettings settings, Accounts accounts, ILogger<InitializeUserFromEnvironment> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (settings.Identity.InitUser is not { } init || settings.Init is not { } org) return;
        // Two instances starting together may both create the user: the loser finds it on the second try.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await accounts.EnsureInitialUserAsync(init, org.OrgId, ct);
                break;
            }
            catch (Exception e) when (attempt < 3 && e.GetBaseException() is Npgsql.PostgresException { SqlState: "23505" }) { }
        }
        log.LogInformation("Initial user {Email} owns organization {OrgId}", init.Email, org.OrgId);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
