using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Langfuse.Infrastructure.ClickHouse;

/// <summary>
/// A piece of ClickHouse SQL whose every value went through <see cref="SqlLiteral"/>.
/// Build one with an interpolated string: <c>Sql.Of($"SELECT * FROM traces WHERE id = {id}")</c>;
/// each hole becomes an escaped literal, never raw text. Raw text only enters through <see cref="Trusted"/>,
/// which is meant for fixed fragments written in this code base (column lists, ORDER BY choices from an allow-list).
/// </summary>
public sealed class Sql
{
    public string Text { get; }
    Sql(string text) => Text = text;

    public static Sql Of(SqlHandler handler) => new(handler.ToStringAndClear());
    public static Sql Trusted(string fragment) => new(fragment);
    public static Sql Join(string separator, IEnumerable<Sql> parts) => new(string.Join(separator, parts.Select(p => p.Text)));
    public static readonly Sql Empty = new("");

    /// <summary>A parenthesised list of string literals for <c>x IN (...)</c>, which, unlike has([...], x), uses the primary key.</summary>
    public static Sql InList(IEnumerable<string> values) => new("(" + string.Join(",", values.Select(SqlLiteral.String)) + ")");

    /// <summary>
    /// Cuts a list of keys for <c>IN (...)</c> so that each statement stays under ClickHouse's max_query_size whatever
    /// the keys' lengths (ids may have 800 characters: 500 of those would not fit in the default 256 KiB); by default
    /// for a pool that keeps ClickHouse's own limit (<see cref="ClickHousePool.ServerDefaultKeyChars"/>).
    /// </summary>
    public static IEnumerable<T[]> Chunks<T>(IEnumerable<T> keys, Func<T, int> length, int maxKeys = 1_000, int? maxChars = null)
    {
        var limit = maxChars ?? ClickHousePool.ServerDefaultKeyChars;
        var chunk = new List<T>();
        var chars = 0;
        foreach (var key in keys)
        {
            var size = length(key) + 8; // quotes, escapes, comma, tuple parentheses
            if (chunk.Count > 0 && (chunk.Count >= maxKeys || chars + size > limit))
            {
                yield return chunk.ToArray();
                chunk.Clear();
                chars = 0;
            }
            chunk.Add(key);
            chars += size;
        }
        if (chunk.Count > 0) yield return chunk.ToArray();
    }

    public override string ToString() => Text;
}

[InterpolatedStringHandler]
public ref struct SqlHandler
{
    StringBuilder _builder;

    public SqlHandler(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + formattedCount * 16);

    public void AppendLiteral(string text) => _builder.Append(text);
    public void AppendFormatted(Sql fragment) => _builder.Append(fragment.Text);
    public void AppendFormatted<T>(T value) => _builder.Append(SqlLiteral.Of(value));

    internal string ToStringAndClear() { var text = _builder.ToString(); _builder = null!; return text; }
}

/// <summary>The one place where a value becomes ClickHouse SQL text. Works on ClickHouse 18.16 and current releases.</summary>
public static class SqlLiteral
{
    static readonly Regex IdentifierPattern = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.Compiled);

    public static string Of<T>(T value) => value switch
    {
        null => "NULL",
        string s => String(s),
        bool b => b ? "1" : "0",
        int or long or short or byte or uint or ulong or ushort or sbyte => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => Number(d),
        float f => Number(f),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        DateTime dt => DateTime(dt),
        DateTimeOffset dto => DateTime(dto.UtcDateTime),
        Guid g => String(g.ToString()),
        IEnumerable<string> list => "[" + string.Join(",", list.Select(String)) + "]",
        IEnumerable<long> list => "[" + string.Join(",", list.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]",
        _ => throw new ArgumentException($"No SQL literal form for values of type {value.GetType().Name}."),
    };

    /// <summary>
    /// A quoted string literal. Backslash and quote are escaped; control characters are written as \xHH
    /// so the statement text stays one clean line whatever the input holds.
    /// </summary>
    public static string String(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\'': sb.Append("\\'"); break;
                case < ' ' or '\u007f': sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('\'').ToString();
    }

    public static string Number(double value) =>
        double.IsFinite(value)
            ? value.ToString("R", CultureInfo.InvariantCulture)
            : throw new ArgumentException("NaN and infinite numbers have no SQL literal here.");

    /// <summary>A UTC second-precision DateTime; wrapped in toDateTime() because 18.16 rejects bare strings in sort keys.</summary>
    public static string DateTime(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return "toDateTime('" + utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "')";
    }

    public static string Identifier(string name) =>
        IdentifierPattern.IsMatch(name) ? name : throw new ArgumentException($"\"{name}\" is not a plain SQL identifier.");
}
