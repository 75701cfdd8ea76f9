using Langfuse.Features.Tracing.Dashboard;

namespace Langfuse.UnitTests.Tracing.Dashboard;

/// <summary>The dashboard's latency percentiles come from summed logarithmic bins: they must stay within 0.5%.</summary>
public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_of_summed_days_are_within_half_a_percent_of_the_exact_ones()
    {
        var random = new Random(7);
        var latencies = Enumerable.Range(0, 20_000).Select(_ => Math.Exp(random.NextDouble() * 12)).ToArray(); // 1 ms to 45 s
        var monday = new Dictionary<int, long>();
        var tuesday = new Dictionary<int, long>();
        foreach (var (ms, i) in latencies.Select((l, i) => (l, i)))
        {
            var day = i % 2 == 0 ? monday : tuesday;
            var bin = LatencyHistogram.BinOf(ms);
            day[bin] = day.GetValueOrDefault(bin) + 1;
        }
        var both = new Dictionary<int, long>();
        LatencyHistogram.Add(both, monday);
        LatencyHistogram.Add(both, tuesday);

        var sorted = latencies.Order().ToArray();
        var ps = new[] { 0.5, 0.9, 0.95, 0.99 };
        var percentiles = LatencyHistogram.Percentiles(both, ps)!;
        for (var i = 0; i < ps.Length; i++)
        {
            var exact = sorted[(int)Math.Ceiling(ps[i] * sorted.Length) - 1] / 1000;
            (Math.Abs(percentiles[i] - exact) / exact).ShouldBeLessThan(0.005, $"p{ps[i] * 100}");
        }
    }

    [Fact]
    public void Nothing_counted_has_no_percentiles_and_instant_steps_read_as_zero()
    {
        LatencyHistogram.Percentiles(new Dictionary<int, long>(), 0.5).ShouldBeNull();
        LatencyHistogram.Percentiles(new Dictionary<int, long> { [LatencyHistogram.BinOf(0)] = 3 }, 0.5, 0.99).ShouldBe([0.0, 0.0]);
    }
}
