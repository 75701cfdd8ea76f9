namespace Langfuse.Features.Projects;

// Tenancy documents: global (not project-scoped), owned by this slice.

public sealed class Organization
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class Project
{
    public string Id { get; set; } = "";
    public string OrganizationId { get; set; } = "";
    public string Name { get; set; } = "";
    public Dictionary<string, object?> Metadata { get; set; } = new();
    public int? RetentionDays { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A project API key. The secret itself is never stored: only its salted fast hash and a display form.</summary>
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
}
