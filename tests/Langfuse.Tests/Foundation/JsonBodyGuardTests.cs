using System.IO.Compression;
using System.Text;
using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Foundation;

/// <summary>Typed JSON bodies (here: creating a dataset) get the guards the hand-read ones have: gzip, 4.5 MB, valid text, real JSON.</summary>
[Collection(FoundationCollection.Name)]
public sealed class JsonBodyGuardTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    public async Task InitializeAsync() => _project = await app.CreateProjectAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    async Task<(int Status, string Body)> PostAsync(byte[] body, string? contentType = "application/json", bool gzip = false)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.ByteArray(body).ToUrl("/api/public/v2/datasets");
            s.WithRequestHeader("Authorization", _project.BasicAuth);
            if (contentType is not null) s.WithRequestHeader("Content-Type", contentType);
            if (gzip) s.WithRequestHeader("Content-Encoding", "gzip");
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, await result.ReadAsTextAsync());
    }

    static string Name() => "guard-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_gzip_body_and_a_body_without_content_type_are_read_as_json()
    {
        var zipped = new MemoryStream();
        await using (var gz = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true))
            await gz.WriteAsync(Encoding.UTF8.GetBytes($$"""{"name":"{{Name()}}-gz","description":"zipped"}"""));
        var (status, body) = await PostAsync(zipped.ToArray(), gzip: true);
        status.ShouldBe(200, body);
        body.ShouldContain("\"description\":\"zipped\"");

        (await PostAsync(Encoding.UTF8.GetBytes($$"""{"name":"{{Name()}}"}"""), contentType: null)).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Broken_text_malformed_json_a_non_object_and_an_oversized_body_are_refused()
    {
        var (surrogate, surrogateBody) = await PostAsync(Encoding.UTF8.GetBytes($$"""{"name":"{{Name()}}","description":"\ud800"}"""));
        surrogate.ShouldBe(400, surrogateBody);
        surrogateBody.ShouldContain("description");

        var (malformed, malformedBody) = await PostAsync(Encoding.UTF8.GetBytes("{\"name\":"));
        malformed.ShouldBe(400);
        malformedBody.ShouldContain("Invalid JSON");

        var (array, arrayBody) = await PostAsync(Encoding.UTF8.GetBytes("[1]"));
        array.ShouldBe(400);
        arrayBody.ShouldContain("body must be a JSON object");

        var (big, bigBody) = await PostAsync(Encoding.UTF8.GetBytes($$"""{"name":"{{Name()}}","description":"{{new string('x', 4_800_000)}}"}"""));
        big.ShouldBe(413);
        bigBody.ShouldContain("PayloadTooLargeError");
    }

    [Fact]
    public async Task A_get_announcing_json_without_a_body_is_served()
    {
        // The legacy JS SDK sends Content-Type: application/json on every GET.
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/public/v2/datasets");
            s.WithRequestHeader("Authorization", _project.BasicAuth);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(200);
        });
        (await result.ReadAsTextAsync()).ShouldContain("\"meta\"");
    }
}
