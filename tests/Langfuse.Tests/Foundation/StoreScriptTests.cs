using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Langfuse.Tests.Foundation;

/// <summary>
/// The stores' set-up script, as ./run.sh and ./test.sh use it, from a clone that the stores' own users cannot enter
/// (root's home is mode 700): Postgres still starts, with its data where it can reach it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StoreScriptTests
{
    static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "scripts", "stores.sh"))) return dir.FullName;
            throw new DirectoryNotFoundException("scripts/stores.sh not found above the test binaries");
        }
    }

    static async Task<(int Code, string Output)> Bash(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", $"source scripts/stores.sh\n{script}"])
        {
            WorkingDirectory = RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, (await output) + (await error));
    }

    [Fact]
    public async Task Postgres_starts_from_a_clone_in_a_directory_other_users_cannot_enter()
    {
        var home = Directory.CreateTempSubdirectory("lf-private-home-");
        File.SetUnixFileMode(home.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // like /root
        var data = Path.Combine(home.FullName, "clone", ".data", "test");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        try
        {
            var (code, output) = await Bash($"""
                dir=$(prepare_store_dir '{data}' postgres)
                echo "dir=$dir"
                start_postgres "$dir" {port} secret off
                PGPASSWORD=secret psql -h 127.0.0.1 -p {port} -U postgres -tAc 'SELECT 42'
                """);
            code.ShouldBe(0, output);
            output.ShouldContain("42");
            var dir = output.Split('\n').First(l => l.StartsWith("dir=", StringComparison.Ordinal))[4..];
            if (Environment.UserName == "root")
            {
                dir.ShouldStartWith("/var/lib/langfuse-dotnet/", customMessage: "Postgres, run as its own user, cannot reach data under a mode-700 home");
                new FileInfo(Path.Combine(data, "postgres")).LinkTarget.ShouldBe(dir); // the usual place points to it
            }
            else dir.ShouldBe(Path.Combine(data, "postgres"));
        }
        finally
        {
            await Bash($"stop_stores '{data}'");
            var (_, dir) = await Bash($"store_dir '{data}' postgres");
            if (dir.Trim().StartsWith("/var/lib/langfuse-dotnet/", StringComparison.Ordinal)) Directory.Delete(Path.GetDirectoryName(dir.Trim())!, true);
            home.Delete(true);
        }
    }
}
