namespace Langfuse.Tests.Infrastructure;

/// <summary>Files of the repository the tests read or regenerate, found from the test binaries upwards.</summary>
public static class RepoFiles
{
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Langfuse.csproj"))) return System.IO.Path.Combine(dir.FullName, name);
        throw new FileNotFoundException(name);
    }
}
