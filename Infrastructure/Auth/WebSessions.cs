using System.Security.Claims;
using Langfuse.Infrastructure.Configuration;
using Langfuse.Infrastructure.Errors;
using Marten;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Langfuse.Infrastructure.Auth;

/// <summary>
/// Sign-in for the web app's feature endpoints (under <see cref="Prefix"/>): an HTTP-only, same-site cookie naming a
/// session kept in Postgres, and a CSRF token required on every state-changing request. The public API keeps its keys.
/// </summary>
public static class WebSessions
{
    public const string Scheme = "LangfuseSession";
    public const string Policy = "WebUser";
    public const string Prefix = "/api/app";
    public const string CsrfHeader = "x-csrf-token";

    /// <summary>Https deployments (NEXTAUTH_URL) get __Host- cookies: Secure, host-only, path / — no subdomain can set or read them.</summary>
    static bool Https(LangfuseSettings s) => s.Identity.PublicUrl?.Scheme == Uri.UriSchemeHttps;
    public static string CookieName(LangfuseSettings s) => Https(s) ? "__Host-langfuse.session-token" : "langfuse.session-token";

    public static IServiceCollection AddLangfuseWebSessions(this IServiceCollection services, LangfuseSettings settings)
    {
        var secure = Https(settings) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddDataProtection().SetApplicationName("langfuse-dotnet");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new PostgresKeyRing(sp.GetRequiredService<Marten.IDocumentStore>());
            o.XmlEncryptor = new SecretKeyEncryptor(settings);
        }));
        services.AddSingleton<WebSessionStore>();
        services.ConfigureMarten(opts => opts.Schema.For<WebSession>().Index(s => s.UserId));
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName(settings);
            o.Cookie.HttpOnly = true;
            // Lax, not Strict: a shared link to a trace must open signed in; state changes are guarded by the CSRF token.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = secure;
            o.Cookie.Path = "/";
            o.ExpireTimeSpan = TimeSpan.FromMinutes(settings.Identity.SessionMaxAgeMinutes);
            o.SlidingExpiration = true;
            // An API answers 401/403 in JSON; it never redirects to a sign-in page.
            o.Events.OnRedirectToLogin = c => PublicApiErrors.WriteAsync(c.HttpContext, 401, "Sign in first", "UnauthorizedError");
            o.Events.OnRedirectToAccessDenied = c => PublicApiErrors.WriteAsync(c.HttpContext, 403, "Access denied", "ForbiddenError");
            o.Events.OnValidatePrincipal = c => c.HttpContext.RequestServices.GetRequiredService<WebSessionStore>().ValidateAsync(c);
        });
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            o.Cookie.Name = Https(settings) ? "__Host-langfuse.csrf" : "langfuse.csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = secure;
            o.Cookie.HttpOnly = true;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>
    /// Refuses a state-changing request to the feature endpoints without a valid CSRF token (header
    /// <see cref="CsrfHeader"/>, from GET /api/app/auth/csrf, bound to the session): a page on another site cannot
    /// read the token, so it cannot act as the signed-in user.
    /// </summary>
    /// <summary>
    /// NEXTAUTH_URL says how people reach the app: when it is https, TLS ends at a proxy in front of this service, and
    /// the requests it forwards count as https (so Secure cookies are set and accepted).
    /// </summary>
    public static IApplicationBuilder UsePublicUrlScheme(this IApplicationBuilder app, LangfuseSettings settings) =>
        Https(settings) ? app.Use((context, next) => { context.Request.Scheme = "https"; return next(context); }) : app;

    public static IApplicationBuilder UseCsrfProtection(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var method = context.Request.Method;
        if (context.Request.Path.StartsWithSegments(Prefix) && !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)))
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            // The token is bound to the signed-in user: validate against the session's identity, not the default scheme's.
            var session = await context.AuthenticateAsync(Scheme);
            var user = context.User;
            if (session.Succeeded) context.User = session.Principal;
            try
            {
                if (!await antiforgery.IsRequestValidAsync(context))
                {
                    await PublicApiErrors.WriteAsync(context, 403, $"Missing or invalid CSRF token: send the token from GET {Prefix}/auth/csrf in the {CsrfHeader} header", "ForbiddenError");
                    return;
                }
            }
            finally { context.User = user; }
        }
        await next(context);
    });

    /// <summary>The signed-in user's id; only on endpoints that require <see cref="Policy"/>.</summary>
    public static string UserId(this HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("This request has no signed-in user.");
}
