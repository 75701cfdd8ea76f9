using Xunit.Abstractions;

namespace Langfuse.Tests.Infrastructure;

/// <summary>
/// Figures a test measured along the way (not asserted: timing targets live in the benchmarks). They go to the test's
/// output and to the file ./test.sh prints at the end, so a run shows them without a verbose logger.
/// </summary>
public static class Figures
{
    static readonly object Gate = new();

    public static void Report(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("LANGFUSE_TEST_FIGURES") is { Length: > 0 } path)
            lock (Gate) File.AppendAllText(path, line + Environment.NewLine);
    }
}
