using System.Text.RegularExpressions;

namespace Langfuse.Features.Models;

public static class ModelRegex
{
    /// <summary>Langfuse patterns use Postgres' (?i) prefix, which .NET accepts as an inline option too.</summary>
    public static Regex Compile(string pattern) => new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));

    /// <summary>A price per unit above this is a mistake (a million per token), and prices times usage must fit a decimal.</summary>
    public const decimal MaxPrice = 1_000_000m;
}
