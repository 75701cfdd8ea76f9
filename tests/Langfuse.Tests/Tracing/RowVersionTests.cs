using Langfuse.Tests.Infrastructure;
using static Langfuse.Tests.Infrastructure.IngestionClient;

namespace Langfuse.Tests.Tracing;

/// <summary>
/// Lists page over the latest version of each entity while older versions still sit beside it (ClickHouse merges
/// them later): an update that moves an entity out of a filter moves it out of every page and total at once.
/// </summary>
[Collection(ReadsCollection.Name)]
public sealed class RowVersionTests(AppFixture app) : IAsyncLifetime
{
    TestProject _project = null!;
    readonly string[] _ids = Enumerable.Range(0, 30).Select(i => $"v{i:D2}-{Guid.NewGuid().ToString("N")[..6]}").ToArray();
    static string Time(int i) => $"2024-05-01T10:{i:D2}:00.000Z";

    public async Task InitializeAsync()
    {
        _project = await app.CreateProjectAsync();
        await app.Host.IngestAsync(_project, _ids.SelectMany((id, i) => new[]
        {
            Event("trace-create", new { id, userId = "before", timestamp = Time(i) }),
            Event("span-create", new { id = id + "-s", traceId = id, name = "before", startTime = Time(i) }),
        }).ToArray());
        await app.Host.GetWhenAsync(_project, "/api/public/observations?name=before", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 30);
        // Every third entity stays; the others get a second row version that leaves the "before" filters.
        await app.Host.IngestAsync(_project, _ids.Where((_, i) => i % 3 != 0).SelectMany(id => new[]
        {
            Event("trace-create", new { id, userId = "after" }),
            Event("span-update", new { id = id + "-s", traceId = id, name = "after" }),
        }).ToArray());
        await app.Host.GetWhenAsync(_project, "/api/public/observations?name=after", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 20);
        await app.Host.GetWhenAsync(_project, "/api/public/traces?userId=after", b => b.GetProperty("meta").GetProperty("totalItems").GetInt32() == 20);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    string[] Kept(int skip, int take) => _ids.Select((id, i) => (id, i)).Where(x => x.i % 3 == 0).Select(x => x.id).Reverse().Skip(skip).Take(take).ToArray();

    [Fact]
    public async Task Trace_pages_and_totals_count_only_latest_versions()
    {
        var (_, body) = await app.Host.GetAsync(_project, "/api/public/traces?userId=before&limit=4&page=2");
        body.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ShouldBe(Kept(4, 4));
        body.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(10);
        var (_, last) = await app.Host.GetAsync(_project, "/api/public/traces?userId=before&limit=4&page=3");
        last.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ShouldBe(Kept(8, 4));
    }

    [Fact]
    public async Task Observation_lists_and_cursors_skip_superseded_versions()
    {
        var (_, body) = await app.Host.GetAsync(_project, "/api/public/observations?name=before&limit=3&page=2");
        body.GetProperty("data").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ShouldBe(Kept(3, 3).Select(id => id + "-s"));
        body.GetProperty("meta").GetProperty("totalItems").GetInt32().ShouldBe(10);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var (_, page) = await app.Host.GetAsync(_project, $"/api/public/v2/observations?name=before&limit=4{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(o => o.GetProperty("id").GetString()!));
            cursor = page.GetProperty("meta").TryGetProperty("cursor", out var c) ? c.GetString() : null;
        } while (cursor is not null);
        seen.ShouldBe(Kept(0, 10).Select(id => id + "-s"));
    }
}
