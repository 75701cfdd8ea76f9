using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>Page edges on the trace, observation and score lists: a full page of exactly 100, the last page, past the end, an empty project.</summary>
[Collection(ReadsCollection.Name)]
public sealed class PagingEdgeTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    const int Count = 101;

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        var run = Guid.NewGuid().ToString("N")[..6];
        await app.Host.IngestAsync(_project, Enumerable.Range(0, Count).SelectMany(i => new[]
        {
            Event("trace-create", new { id = $"p{i:D3}-{run}", timestamp = Iso(DateTimeOffset.Parse("2024-01-01T00:00:00Z").AddMinutes(i)) }),
            Event("span-create", new { id = $"p{i:D3}-{run}-s", traceId = $"p{i:D3}-{run}", startTime = Iso(DateTimeOffset.Parse("2024-01-01T00:00:00Z").AddMinutes(i)) }),
            Event("score-create", new { id = $"p{i:D3}-{run}-q", traceId = $"p{i:D3}-{run}", name = "n", value = i }),
        }).ToArray());
        foreach (var list in new[] { "traces", "observations", "v2/scores" })
            await app.Host.GetWhenAsync(_project, $"/api/public/{list}", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == Count);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("traces")]
    [InlineData("observations")]
    [InlineData("v2/scores")]
    public async Task A_full_page_of_100_then_the_last_page_then_nothing(string list)
    {
        var (_, first) = await app.Host.GetAsync(_project, $"/api/public/{list}?limit=100");
        first.GetProperty("data").GetArrayLength().ShouldBe(100);
        first.GetProperty("meta").GetProperty("totalPages").GetInt32().ShouldBe(2);
        var (_, last) = await app.Host.GetAsync(_project, $"/api/public/{list}?limit=100&page=2");
        var lastIds = last.GetProperty("data").EnumerateArray().Select(x => x.GetProperty("id").GetString()!).ToList();
        lastIds.Count.ShouldBe(1);
        lastIds[0].ShouldStartWith("p000-"); // newest first: the oldest comes last
        var (status, past) = await app.Host.GetAsync(_project, $"/api/public/{list}?limit=100&page=3");
        status.ShouldBe(200);
        past.GetProperty("data").GetArrayLength().ShouldBe(0);
        past.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(Count);
        var (_, exact) = await app.Host.GetAsync(_project, $"/api/public/{list}?limit=50&page=3");
        exact.GetProperty("data").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Deep_pages_beyond_the_candidate_scan_are_exact()
    {
        var deep = await app.CreateProjectAsync();
        var run = Guid.NewGuid().ToString("N")[..6];
        const int many = 2_050;
        var start = DateTimeOffset.Parse("2024-02-01T00:00:00Z");
        await app.Host.IngestAsync(deep, Enumerable.Range(0, many).SelectMany(i => new[]
        {
            Event("trace-create", new { id = $"d{i:D4}-{run}", timestamp = Iso(start.AddSeconds(i)) }),
            Event("span-create", new { id = $"d{i:D4}-{run}-s", traceId = $"d{i:D4}-{run}", startTime = Iso(start.AddSeconds(i)) }),
        }).ToArray());
        foreach (var list in new[] { "traces", "observations" })
        {
            await app.Host.GetWhenAsync(deep, $"/api/public/{list}", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == many);
            var (_, page) = await app.Host.GetAsync(deep, $"/api/public/{list}?limit=100&page=21");
            var ids = page.GetProperty("data").EnumerateArray().Select(x => x.GetProperty("id").GetString()!).ToList();
            // Newest first: page 21 holds the 50 oldest, from index 49 down to 0.
            ids.ShouldBe(Enumerable.Range(0, 50).Reverse().Select(i => $"d{i:D4}-{run}" + (list == "traces" ? "" : "-s")));
        }
    }

    [Theory]
    [InlineData("traces")]
    [InlineData("observations")]
    [InlineData("v2/scores")]
    [InlineData("sessions")]
    public async Task An_empty_project_lists_nothing_with_zero_pages(string list)
    {
        var empty = await app.CreateProjectAsync();
        var (status, body) = await app.Host.GetAsync(empty, $"/api/public/{list}");
        status.ShouldBe(200, body.ToString());
        body.GetProperty("data").GetArrayLength().ShouldBe(0);
        body.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(0);
        body.GetProperty("meta").GetProperty("totalPages").GetInt32().ShouldBe(0);
    }
}
