using System.Text.RegularExpressions;
using Langfuse.Infrastructure.Validation;

namespace Langfuse.Features.Models;

public static class ModelRegex
{
    /// <summary>
    /// The write-time check: a pattern must get through the probes within 50 ms (Langfuse patterns use Postgres'
    /// (?i) prefix, which .NET accepts as an inline option too).
    /// </summary>
    public static Regex Compile(string pattern) => new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));

    /// <summary>
    /// Matching at ingestion. A project's pattern passed the write-time check, so the timeout here only guards against
    /// the unforeseen; it is the process default (500 ms), not the 50 ms of the check, because on a busy two-core host
    /// a GC pause or a preempted thread made a fast pattern "time out", and a timeout counts as no match: the
    /// observation lost its price (seen as totalCost 0 in CI while a worker restarted under load).
    /// </summary>
    public static Regex ForMatching(string pattern) => new(pattern, RegexOptions.CultureInvariant, UserRegex.DefaultTimeout);

    /// <summary>The built-in table's patterns are ours, shipped in the assembly: no timeout, so none can turn into "no price".</summary>
    public static Regex Trusted(string pattern) => new(pattern, RegexOptions.CultureInvariant, Regex.InfiniteMatchTimeout);

    /// <summary>A price per unit above this is a mistake (a million per token), and prices times usage must fit a decimal.</summary>
    public const decimal MaxPrice = 1_000_000m;
}
