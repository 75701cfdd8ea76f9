using System.Text;
using Langfuse.Tests.Infrastructure;
using Marten;

namespace Langfuse.Tests.Foundation;

[Collection(FoundationCollection.Name)]
public sealed class AuthTests(AppFixture app) : IAsyncLifetime
{
    TestProject _a = null!;
    TestProject _b = null!;

    public async Task InitializeAsync()
    {
        _a = await app.CreateProjectAsync("Project A");
        _b = await app.CreateProjectAsync("Project B");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<(int Status, string Body)> GetProjects(string? authorization)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/public/projects");
            if (authorization is not null) s.WithRequestHeader("Authorization", authorization);
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, await result.ReadAsTextAsync());
    }

    static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public async Task A_valid_key_sees_its_own_project_in_Langfuse_shape()
    {
        var (status, body) = await app.Host.GetAsync(_a, "/api/public/projects");
        status.ShouldBe(200);
        var data = body.GetProperty("data");
        data.GetArrayLength().ShouldBe(1);
        data[0].GetProperty("id").GetString().ShouldBe(_a.Id);
        data[0].GetProperty("name").GetString().ShouldBe("Project A");
        data[0].GetProperty("organization").GetProperty("id").GetString().ShouldBe(_a.OrganizationId);
        data[0].GetProperty("metadata").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Object);
    }

    [Fact]
    public async Task A_key_of_project_A_never_reaches_project_B()
    {
        var (_, bodyA) = await app.Host.GetAsync(_a, "/api/public/projects");
        var (_, bodyB) = await app.Host.GetAsync(_b, "/api/public/projects");
        bodyA.GetProperty("data")[0].GetProperty("id").GetString().ShouldBe(_a.Id);
        bodyB.GetProperty("data")[0].GetProperty("id").GetString().ShouldBe(_b.Id);
        // A's public key with B's secret is not a valid pair.
        (await GetProjects(Basic(_a.PublicKey, _b.SecretKey))).Status.ShouldBe(401);
    }

    [Fact]
    public async Task No_header_is_401_with_a_json_message()
    {
        var (status, body) = await GetProjects(null);
        status.ShouldBe(401);
        body.ShouldContain("\"message\"");
        body.ShouldContain("No authorization header");
    }

    [Theory]
    [InlineData("Basic")]
    [InlineData("Basic !!!not-base64!!!")]
    [InlineData("Basic Zm9v")] // "foo": no colon
    [InlineData("Token abc")]
    public async Task Malformed_headers_are_401(string header)
    {
        var (status, body) = await GetProjects(header);
        status.ShouldBe(401);
        body.ShouldContain("\"message\"");
    }

    [Fact]
    public async Task A_wrong_secret_is_401()
    {
        var (status, body) = await GetProjects(Basic(_a.PublicKey, "sk-lf-" + Guid.NewGuid()));
        status.ShouldBe(401);
        body.ShouldContain("Invalid credentials");
    }

    [Fact]
    public async Task An_unknown_key_is_401()
    {
        (await GetProjects(Basic("pk-lf-" + Guid.NewGuid(), "sk-lf-" + Guid.NewGuid()))).Status.ShouldBe(401);
    }

    [Fact]
    public async Task A_bearer_public_key_is_refused_outside_score_endpoints()
    {
        var (status, body) = await GetProjects("Bearer " + _a.PublicKey);
        status.ShouldBe(403);
        body.ShouldContain("insufficient permissions");
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_answer_json()
    {
        var (status, body) = await app.Host.GetAsync(_a, "/api/public/does-not-exist");
        status.ShouldBe(404);
        body.GetProperty("message").GetString()!.ShouldContain("not found");

        var (status405, body405) = await app.Host.SendAsync(_a, HttpMethod.Delete, "/api/public/projects");
        status405.ShouldBe(405);
        body405.GetProperty("message").GetString()!.ShouldContain("not allowed");
    }

    [Fact]
    public async Task The_secret_is_stored_only_as_a_hash()
    {
        await using var session = app.Service<Marten.IDocumentStore>().QuerySession();
        var keys = await session.Query<Langfuse.Features.Projects.ApiKey>().Where(k => k.ProjectId == _a.Id).ToListAsync();
        keys.Count.ShouldBe(1);
        keys[0].HashedSecretKey.ShouldNotContain(_a.SecretKey);
        keys[0].HashedSecretKey.Length.ShouldBe(64);
        keys[0].DisplaySecretKey.ShouldBe($"sk-lf-...{_a.SecretKey[^4..]}");
    }
}
