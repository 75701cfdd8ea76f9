using System.Diagnostics;
using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.WebApp;

/// <summary>
/// The web app's TypeScript types (web/src/api/schema.d.ts) are generated from the service's OpenAPI document; this
/// regenerates them and fails when the committed file differs, so the app and the endpoints cannot drift apart.
/// </summary>
[Collection(FoundationCollection.Name)]
public sealed class ApiTypesTests(AppFixture app)
{
    [Fact]
    public async Task The_web_apps_api_types_match_the_openapi_document()
    {
        var document = await app.Host.Scenario(s => s.Get.Url("/swagger/v1/swagger.json"));
        var dir = Directory.CreateTempSubdirectory("langfuse-openapi-");
        var json = Path.Combine(dir.FullName, "openapi.json");
        var generated = Path.Combine(dir.FullName, "schema.d.ts");
        await File.WriteAllTextAsync(json, await document.ReadAsTextAsync());
        var start = new ProcessStartInfo("node", [RepoFiles.Path("web/node_modules/openapi-typescript/bin/cli.js"), json, "-o", generated])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoFiles.Path("web"),
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, await stderr);
        var fresh = await File.ReadAllTextAsync(generated);
        dir.Delete(recursive: true);
        if (fresh == await File.ReadAllTextAsync(RepoFiles.Path("web/src/api/schema.d.ts"))) return;
        if (Environment.GetEnvironmentVariable("LANGFUSE_WRITE_GENERATED") == "1")
        {
            // A developer's step after changing endpoints: write it in place (then type-check the app).
            await File.WriteAllTextAsync(RepoFiles.Path("web/src/api/schema.d.ts"), fresh);
            return;
        }
        var path = RepoFiles.Path(".data/schema.d.ts");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, fresh);
        Assert.Fail($"web/src/api/schema.d.ts is stale: the endpoints changed. The regenerated file is {path}: copy it over web/src/api/schema.d.ts, or run this test with LANGFUSE_WRITE_GENERATED=1 (and fix the app where it no longer type-checks).");
    }
}
