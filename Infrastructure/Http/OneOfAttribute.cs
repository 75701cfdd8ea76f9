namespace Langfuse.Infrastructure.Http;

/// <summary>
/// The values a string property takes, for the OpenAPI document (an enum there) while the C# type stays a string:
/// Langfuse's enums (roles, units, levels) arrive and leave as text, and the validators name the allowed values.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OneOfAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}
