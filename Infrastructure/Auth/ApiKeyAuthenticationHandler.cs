using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Langfuse.Infrastructure.Auth;

/// <summary>
/// Basic (public key : secret key) and Bearer (public key, scores only) authentication for /api/public.
/// Verified keys are cached in memory for a minute, so a request in steady state costs no Postgres round trip.
/// Unknown keys are remembered for a few seconds (<see cref="FailedKeys"/>), so a flood of bad credentials costs no
/// Postgres query each; and a client address with too many failures in a minute gets a 429 until the minute ends.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IApiKeyStore keys, SecretHasher hasher, ApiKeyCache cache, FailedKeys failedKeys,
    RateLimiting.RedisRateLimiter limiter, Configuration.LangfuseSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public new const string Scheme = "LangfuseApiKey";
    public const string AccessClaim = "langfuse_access";
    public const string ScoresPolicy = "ScoresOrProject";
    public const string OrganizationPolicy = "OrganizationKey";
    const string FailureItem = "langfuse.auth.failure";
    const string StoreDownItem = "langfuse.auth.store-down";
    const string LimitedItem = "langfuse.auth.limited";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return Failure("No authorization header");
        var client = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (failedKeys.BlockedFor(client) is { } wait)
        {
            Context.Items[LimitedItem] = wait;
            return AuthenticateResult.Fail("Too many failed authentications");
        }
        try
        {
            var result = header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) ? await BasicAsync(header[6..].Trim())
                : header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? await BearerAsync(header[7..].Trim())
                : Failure("Invalid authorization header");
            if (!result.Succeeded && settings.Limits.FailedAuthPerMinute > 0)
            {
                var decision = await limiter.HitAsync("failed-auth", client, settings.Limits.FailedAuthPerMinute);
                if (!decision.Allowed) failedKeys.Block(client, decision.ResetIn);
            }
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogError(e, "API key lookup failed");
            Context.Items[StoreDownItem] = true;
            return AuthenticateResult.Fail("Service Unavailable");
        }
    }

    async Task<AuthenticateResult> BasicAsync(string encoded)
    {
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded)); }
        catch (FormatException) { return Failure("Invalid authorization header"); }
        var colon = decoded.IndexOf(':');
        if (colon <= 0 || colon == decoded.Length - 1) return Failure("Invalid authorization header");
        var publicKey = decoded[..colon];
        var secretHash = hasher.Hash(decoded[(colon + 1)..]);

        var key = await Cached(ApiKeyCache.SecretEntry(secretHash), ct => keys.FindBySecretHashAsync(secretHash, ct));
        if (key is null || !FixedTimeEquals(publicKey, key.PublicKey)) return Failure("Invalid credentials");
        return Success(key, key.IsOrganizationKey ? AccessLevel.Organization : AccessLevel.Project);
    }

    async Task<AuthenticateResult> BearerAsync(string publicKey)
    {
        if (publicKey.Length == 0) return Failure("Invalid authorization header");
        var key = await Cached(ApiKeyCache.PublicEntry(publicKey), ct => keys.FindByPublicKeyAsync(publicKey, ct));
        if (key is null || !FixedTimeEquals(publicKey, key.PublicKey)) return Failure("Invalid public key");
        // Langfuse: organization keys are never accepted as Bearer (public key alone).
        if (key.IsOrganizationKey) return Failure("Organization API keys need the secret key (Basic auth)");
        return Success(key, AccessLevel.Scores);
    }

    async Task<StoredApiKey?> Cached(string cacheKey, Func<CancellationToken, Task<StoredApiKey?>> load)
    {
        if (cache.TryGet(cacheKey, out var hit)) return hit;
        if (failedKeys.IsKnownBad(cacheKey)) return null;
        var key = await load(Context.RequestAborted);
        if (key is not null) cache.Set(cacheKey, key);
        else failedKeys.RememberBad(cacheKey);
        return key;
    }

    static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    AuthenticateResult Success(StoredApiKey key, AccessLevel access)
    {
        var scope = new ProjectScope(key.ProjectId, key.OrganizationId, key.Id, key.PublicKey, access);
        Context.Features.Set(scope);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, key.Id),
            new Claim("project_id", key.ProjectId),
            new Claim(AccessClaim, access switch { AccessLevel.Project => "project", AccessLevel.Organization => "organization", _ => "scores" }),
        ], Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme));
    }

    AuthenticateResult Failure(string reason)
    {
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[LimitedItem] is TimeSpan retryAfter)
            return RateLimiting.PublicApiLimits.TooManyAsync(Context, retryAfter, "Too many failed authentications from this address; retry later");
        if (Context.Items.ContainsKey(StoreDownItem))
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Response.WriteAsJsonAsync(new { message = "Service Unavailable" });
        }
        var reason = Context.Items[FailureItem] as string ?? "Unauthorized";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"Langfuse\"";
        return Response.WriteAsJsonAsync(new { message = $"{reason}. Confirm that you've configured the correct host." });
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        // Langfuse's wording for each mismatch between the key and the endpoint.
        var message = (Context.Features.Get<ProjectScope>()?.Access, IsOrganizationEndpoint()) switch
        {
            (AccessLevel.Organization, false) => "Project ID not found for API token. Are you using an organization key?",
            (_, true) => "Invalid API key. Organization-scoped API key required for this operation.",
            _ => "Access denied - insufficient permissions for this endpoint",
        };
        return Response.WriteAsJsonAsync(new { message });
    }

    bool IsOrganizationEndpoint() =>
        Context.GetEndpoint()?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
            .Any(a => a.Policy == OrganizationPolicy) == true;
}
