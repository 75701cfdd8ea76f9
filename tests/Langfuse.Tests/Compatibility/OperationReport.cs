namespace Langfuse.Tests.Compatibility;

/// <summary>How one of Langfuse's operations compares with ours.</summary>
public sealed record OperationReport(string Area, string Method, string Path, bool Served, bool Described, IReadOnlyList<string> Differences)
{
    public bool Matches => Served && Described && Differences.Count == 0;
}
