using Langfuse.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Langfuse.Tests.WebApp;

/// <summary>
/// The web app end to end in real headless Chromium (tests/js/web-app-story.mjs, playwright-core driving Debian's
/// chromium): sign up, create a project and a key, send a trace with the real legacy SDK, search, open, check tree,
/// timeline, input, output and cost, annotate, follow the live tail, delete.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppStoryTests(AppFixture app, ITestOutputHelper output) : RealServiceTest(app)
{
    [Fact]
    public async Task A_new_user_follows_a_trace_from_the_SDK_to_the_trace_page_and_back()
    {
        File.Exists("/usr/bin/chromium").ShouldBeTrue("Debian's chromium is needed (./test.sh installs it)");
        var result = await RunNodeAsync("web-app-story.mjs", Guid.NewGuid().ToString("N")[..10]);
        var timings = string.Join(", ", result.GetProperty("timings").EnumerateObject().Select(t => $"{t.Name} {t.Value.GetInt32()} ms"));
        Figures.Report(output, $"Web app story in headless Chromium: {timings}");
    }
}
