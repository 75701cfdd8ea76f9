using System.Text.RegularExpressions;
using Langfuse.Features.Models;

namespace Langfuse.UnitTests.Models;

/// <summary>A model's price must not depend on how busy the host is when its name is first matched.</summary>
public sealed class ModelCatalogTests
{
    [Fact]
    public void Built_in_patterns_cannot_time_out_into_no_price()
    {
        // A timed-out match counts as no match and the catalog remembers it per name: with the old 50 ms limit one
        // slow match on a loaded host left "gpt-4o-mini" unpriced until the process restarted.
        var catalog = new ModelCatalog();
        catalog.BuiltIn.ShouldAllBe(m => m.Pattern.MatchTimeout == Regex.InfiniteMatchTimeout);
        catalog.Match("gpt-4o-mini").ShouldNotBeNull().Prices["input"].ShouldBeGreaterThan(0);
    }

    [Fact]
    public void A_projects_pattern_gets_the_process_timeout_not_the_write_time_checks()
    {
        var own = new ModelPrice("m1", "mine", "(?i)^mine$", null, new() { ["input"] = 1m });
        own.Pattern.MatchTimeout.ShouldBe(TimeSpan.FromMilliseconds(500));
        own.Pattern.IsMatch("MINE").ShouldBeTrue();
        ModelRegex.Compile("(?i)^mine$").MatchTimeout.ShouldBe(TimeSpan.FromMilliseconds(50));
    }
}
