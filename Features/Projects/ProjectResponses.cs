namespace Langfuse.Features.Projects;

public sealed record ProjectItem(string Id, string OrganizationId, string Name, DateTimeOffset CreatedAt)
{
    public static ProjectItem Of(Project p) => new(p.Id, p.OrganizationId, p.Name, p.CreatedAt);
}

public sealed record ApiKeyListResponse(IReadOnlyList<ApiKeySummary> ApiKeys);

public sealed record DeletionResponse(bool Success, string Message);

public static class ProjectNames
{
    public const string Rule = "name must be 3 to 60 characters";
    public static bool Valid(string? name) => name is not null && name.Trim().Length is >= ProjectAdmin.MinNameLength and <= ProjectAdmin.MaxNameLength;
}

/// <summary>Langfuse's Project object (administration API and GET /api/public/projects); retentionDays omitted when unset.</summary>
public sealed record PublicProject(string Id, string Name, PublicOrganization Organization, Dictionary<string, object?> Metadata,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? RetentionDays)
{
    public static PublicProject Of(Project p, Organizations.Organization o) => new(p.Id, p.Name, new PublicOrganization(o.Id, o.Name), p.Metadata, p.RetentionDays);
}

public sealed record PublicOrganization(string Id, string Name);
