namespace Langfuse.Features.Projects;

// Projects and their keys: global documents (not project-scoped), owned by this slice.


public sealed class Project
{
    public string Id { get; set; } = "";
    public string OrganizationId { get; set; } = "";
    public string Name { get; set; } = "";
    public Dictionary<string, object?> Metadata { get; set; } = new();
    public int? RetentionDays { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Set when the project is deleted: it is gone for every caller at once; its data is erased in the background.</summary>
    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>
/// A project API key, or an organization key (empty <see cref="ProjectId"/>) for the administration API. The secret
/// itself is never stored: only its salted fast hash and a display form.
/// </summary>
public sealed class ApiKey
{
    public string Id { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string OrganizationId { get; set; } = "";
    public string PublicKey { get; set; } = "";
    public string HashedSecretKey { get; set; } = "";
    public string DisplaySecretKey { get; set; } = "";
    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    /// <summary>Updated when an instance loads the key into its cache: accurate to about a minute.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}
