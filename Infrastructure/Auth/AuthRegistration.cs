using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Langfuse.Infrastructure.Auth;

public static class AuthRegistration
{
    /// <summary>
    /// Every endpoint needs a project key with full access unless it says otherwise: the default policy
    /// refuses Bearer (scores-only) keys, which only the score endpoints accept through <see cref="ApiKeyAuthenticationHandler.ScoresPolicy"/>.
    /// </summary>
    public static IServiceCollection AddLangfuseAuth(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<ApiKeyCache>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyCache>());
        services.AddSingleton<SecretHasher>();
        services.AddSingleton<FailedKeys>();
        services.AddSingleton<RateLimiting.RedisRateLimiter>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.Scheme, null);
        services.AddAuthorization(o =>
        {
            o.DefaultPolicy = new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiKeyAuthenticationHandler.AccessClaim, "project")
                .Build();
            // Scores accept project keys and Bearer public keys; never organization keys.
            o.AddPolicy(ApiKeyAuthenticationHandler.ScoresPolicy, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiKeyAuthenticationHandler.AccessClaim, "project", "scores"));
            o.AddPolicy(ApiKeyAuthenticationHandler.OrganizationPolicy, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiKeyAuthenticationHandler.AccessClaim, "organization"));
        });
        return services;
    }
}
