namespace Langfuse.Tests.Compatibility;

/// <summary>A field of a request or response body, as a dotted path ("data[].id"), with its enum values if it has any.</summary>
public sealed record Field(string Path, bool Required, IReadOnlySet<string> Enum);
