using System.Reflection;
using NJsonSchema.Generation;

namespace Langfuse.Infrastructure.Http;

/// <summary>
/// Marks every property of a positional record (the responses' shape) as required in the OpenAPI document: such a
/// record always writes all its members, nulls included, so a client may count on each being present. Without this
/// NSwag lists none as required, and generated clients (the web app's types, an SDK's) see every field as optional.
/// Requests are init-only records with defaults and are left as they are.
/// </summary>
sealed class PositionalRecordsRequired : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        if (!IsPositionalRecord(context.ContextualType.Type)) return;
        foreach (var property in context.Schema.Properties.Values) property.IsRequired = true;
    }

    static bool IsPositionalRecord(Type type)
    {
        if (!type.IsClass || type.GetMethod("<Clone>$") is null) return false; // records only
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod is not null).Select(p => p.Name).ToHashSet();
        return type.GetConstructors().Any(c => c.GetParameters() is { Length: > 0 } ps && ps.All(p => properties.Contains(p.Name!)) && ps.Length == properties.Count);
    }
}
