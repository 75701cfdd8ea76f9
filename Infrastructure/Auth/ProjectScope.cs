namespace Langfuse.Infrastructure.Auth;

public enum AccessLevel
{
    /// <summary>Basic auth with a project's public and secret key: everything in that project.</summary>
    Project,
    /// <summary>Bearer with the public key alone: may only write scores, as in Langfuse.</summary>
    Scores,
    /// <summary>Basic auth with an organization key: only the organization and project administration API.</summary>
    Organization,
}

/// <summary>
/// The project a request acts for. It exists only once authentication succeeded and is taken from the API key,
/// never from request input; slices get it from <see cref="HttpContextProjectExtensions.Project"/>.
/// </summary>
public sealed record ProjectScope(string ProjectId, string OrganizationId, string ApiKeyId, string PublicKey, AccessLevel Access);

/// <summary>What a key store knows of one API key. An organization key has no project.</summary>
public sealed record StoredApiKey(string Id, string PublicKey, string ProjectId, string OrganizationId)
{
    public bool IsOrganizationKey => ProjectId.Length == 0;
}

/// <summary>Implemented by the slice that owns API keys; authentication only needs to find one.</summary>
public interface IApiKeyStore
{
    Task<StoredApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken ct);
    Task<StoredApiKey?> FindByPublicKeyAsync(string publicKey, CancellationToken ct);
}

public static class HttpContextProjectExtensions
{
    /// <summary>The organization key's scope, on endpoints that require <see cref="ApiKeyAuthenticationHandler.OrganizationPolicy"/>.</summary>
    public static ProjectScope OrganizationKey(this HttpContext context) =>
        context.Features.Get<ProjectScope>() is { Access: AccessLevel.Organization } scope ? scope
            : throw new InvalidOperationException("This request has no organization key.");

    /// <summary>The authenticated project; throws if the endpoint was (wrongly) reached without authentication.</summary>
    public static ProjectScope Project(this HttpContext context) =>
        context.Features.Get<ProjectScope>() ?? throw new InvalidOperationException("This request has no authenticated project.");
}
