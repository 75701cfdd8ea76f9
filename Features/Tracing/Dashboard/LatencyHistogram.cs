namespace Langfuse.Features.Tracing.Dashboard;

/// <summary>
/// Latencies counted in logarithmic bins, each 1% wider than the one before, so that days can be summed and
/// percentiles read from the sum: a day's histogram is a few hundred numbers (an hour's latency is bin 1,518), where
/// the latencies themselves would be millions. A percentile comes back within 0.5% of an exact one.
/// </summary>
public static class LatencyHistogram
{
    const double Ratio = 1.01;

    /// <summary>The bin of a latency of <c>millis</c> as ClickHouse SQL (18.16 and current): 0 for under a millisecond.</summary>
    public static string BinSql(string millis) => $"if({millis} < 1, 0, 1 + toInt32(floor(log({millis}) / {Math.Log(Ratio).ToString("R", System.Globalization.CultureInfo.InvariantCulture)})))";

    public static int BinOf(double millis) => millis < 1 ? 0 : 1 + (int)Math.Floor(Math.Log(millis) / Math.Log(Ratio));

    /// <summary>The middle of a bin (geometrically), in seconds.</summary>
    public static double SecondsOf(int bin) => bin <= 0 ? 0 : Math.Pow(Ratio, bin - 0.5) / 1000;

    /// <summary>Nearest-rank percentiles of the counted latencies, in seconds; null when nothing was counted.</summary>
    public static double[]? Percentiles(IReadOnlyDictionary<int, long> counts, params double[] ps)
    {
        var total = counts.Values.Sum();
        if (total == 0) return null;
        var bins = counts.Where(c => c.Value > 0).OrderBy(c => c.Key).ToList();
        return ps.Select(p =>
        {
            var rank = Math.Max(1, (long)Math.Ceiling(p * total));
            long seen = 0;
            foreach (var (bin, n) in bins)
                if ((seen += n) >= rank) return SecondsOf(bin);
            return SecondsOf(bins[^1].Key);
        }).ToArray();
    }

    public static void Add(Dictionary<int, long> into, IReadOnlyDictionary<int, long> counts)
    {
        foreach (var (bin, n) in counts) into[bin] = into.GetValueOrDefault(bin) + n;
    }
}
