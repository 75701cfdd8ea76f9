using Langfuse.Infrastructure.ClickHouse;

namespace Langfuse.Features.Tracing.Filtering;

/// <summary>A span of epoch milliseconds, [From, To); long.MinValue / long.MaxValue leave a side open.</summary>
public sealed record TimeWindow(long From, long To);

/// <summary>Time windows as ClickHouse conditions, and the cut of a range into whole UTC days and partial edges.</summary>
public static class TimeWindows
{
    public const long DayMs = 86_400_000;

    /// <summary><paramref name="column"/> inside any of the windows (none: nothing).</summary>
    public static Sql Within(string column, IReadOnlyCollection<TimeWindow> windows) => windows.Count == 0 ? Sql.Trusted("0") : Sql.Of($"({Sql.Join(" OR ", windows.Select(w => Sql.Join(" AND ", [
        w.From == long.MinValue ? Sql.Trusted("1") : Sql.Of($"{Sql.Trusted(column)} >= {w.From}"),
        w.To == long.MaxValue ? Sql.Trusted("1") : Sql.Of($"{Sql.Trusted(column)} < {w.To}"),
    ])))})");

    /// <summary>The start of the UTC day holding <paramref name="millis"/> (negative times included).</summary>
    public static long DayStart(long millis) => millis - (((millis % DayMs) + DayMs) % DayMs);

    /// <summary>Given days' spans clipped to the range, adjacent spans joined.</summary>
    public static List<TimeWindow> OfDays(IEnumerable<long> dayStarts, TimeWindow range)
    {
        var windows = new List<TimeWindow>();
        foreach (var day in dayStarts.Order())
        {
            var window = new TimeWindow(Math.Max(day, range.From), Math.Min(day + DayMs, range.To));
            if (window.From >= window.To) continue;
            if (windows.Count > 0 && windows[^1].To == window.From) windows[^1] = windows[^1] with { To = window.To };
            else windows.Add(window);
        }
        return windows;
    }
}
