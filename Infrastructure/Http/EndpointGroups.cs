using FastEndpoints;
using Langfuse.Infrastructure.Auth;

namespace Langfuse.Infrastructure.Http;

/// <summary>The web app's feature endpoints: /api/app/…, signed-in users only (cookie session; CSRF token on writes).</summary>
public sealed class WebApp : Group
{
    public WebApp() => Configure("api/app", ep =>
    {
        ep.AuthSchemes(WebSessions.Scheme);
        ep.Policies(WebSessions.Policy);
    });
}

/// <summary>Langfuse's administration API: /api/public/…, organization keys only.</summary>
public sealed class AdminApi : Group
{
    public AdminApi() => Configure("api/public", ep =>
    {
        ep.AuthSchemes(ApiKeyAuthenticationHandler.Scheme);
        ep.Policies(ApiKeyAuthenticationHandler.OrganizationPolicy);
    });
}
