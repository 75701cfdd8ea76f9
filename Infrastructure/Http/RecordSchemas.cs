using System.Reflection;
using System.Text.Json;
using NJsonSchema.Generation;

namespace Langfuse.Infrastructure.Http;

/// <summary>
/// Two things NSwag does not infer from our records. Every property of a positional record (the responses' shape) is
/// required: such a record always writes all its members, nulls included, so a client may count on each being present
/// (without this every field of every generated client type is optional). And a string property marked
/// <see cref="OneOfAttribute"/> is documented as an enum of those values.
/// </summary>
sealed class RecordSchemas : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        var type = context.ContextualType.Type;
        // A derived record's own properties sit in an inline part of its allOf, next to the reference to its base.
        var schemas = context.Schema.AllOf.Where(s => !s.HasReference).Prepend(context.Schema).ToList();
        if (IsPositionalRecord(type))
            foreach (var property in schemas.SelectMany(s => s.Properties.Values)) property.IsRequired = true;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<OneOfAttribute>() is not { } oneOf) continue;
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (schemas.Select(s => s.Properties.TryGetValue(name, out var p) ? p : null).FirstOrDefault(p => p is not null) is not { } schema) continue;
            schema.Enumeration.Clear();
            foreach (var value in oneOf.Values) schema.Enumeration.Add(value);
        }
    }

    /// <summary>A record built only through constructors (positional, or derived from one): a response shape.</summary>
    static bool IsPositionalRecord(Type type) =>
        type.IsClass && type.GetMethod("<Clone>$") is not null && type.GetConstructor(Type.EmptyTypes) is null;
}
