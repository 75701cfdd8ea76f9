using System.Text.RegularExpressions;

namespace Langfuse.Infrastructure.Validation;

/// <summary>
/// Regular expressions that users write (model match patterns, JSON Schema patterns) run with a timeout: a pattern
/// that backtracks catastrophically is refused when it is written, and a match that still runs out of time at read
/// or ingestion time counts as no match instead of failing the request or the event.
/// </summary>
public static class UserRegex
{
    /// <summary>The process-wide limit for regexes created without their own timeout (set first thing in Program.cs).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(500);

    static readonly string[] Probes =
        [new string('a', 200) + "!", new string('1', 200) + "x", "gpt-4o-" + new string('-', 200) + "?", new string(' ', 200) + "\\n"];

    /// <summary>
    /// Whether a pattern gets through long, repetitive inputs within its timeout. Patterns such as <c>(a+)+$</c> give
    /// out on them: they are refused when written instead of timing out on every later match.
    /// </summary>
    public static bool IsFast(Regex regex) => Probes.All(probe => GetsThrough(regex, probe) || GetsThrough(regex, probe));

    // Tried twice: on a busy host a GC pause alone can outlast the check's timeout, while a pattern that really
    // backtracks catastrophically on a 200-character probe runs out of time on every try.
    static bool GetsThrough(Regex regex, string probe)
    {
        try { regex.IsMatch(probe); return true; }
        catch (RegexMatchTimeoutException) { return false; }
    }

    /// <summary>A match that ran out of time counts as no match.</summary>
    public static bool SafeIsMatch(this Regex regex, string input)
    {
        try { return regex.IsMatch(input); }
        catch (RegexMatchTimeoutException) { return false; }
    }
}
