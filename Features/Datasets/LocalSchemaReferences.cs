using NJsonSchema;
using NJsonSchema.References;

namespace Langfuse.Features.Datasets;

/// <summary>
/// Resolves only references inside the schema itself (<c>#/definitions/…</c>). A <c>$ref</c> to a URL or a file is
/// refused without being fetched or opened: a dataset schema must never make this server reach anything it can reach
/// (ClickHouse's HTTP port, cloud metadata, local files). The refusal names the reference, not what it pointed at.
/// </summary>
sealed class LocalSchemaReferences(JsonSchemaAppender appender) : JsonReferenceResolver(appender)
{
    public static JsonReferenceResolver For(JsonSchema schema) =>
        new LocalSchemaReferences(new JsonSchemaAppender(schema, new DefaultTypeNameGenerator()));

    public override Task<IJsonReference> ResolveFileReferenceAsync(string filePath, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"$ref '{filePath}' points outside the schema; only local references (#/...) are allowed");

    public override Task<IJsonReference> ResolveUrlReferenceAsync(string url, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"$ref '{url}' points outside the schema; only local references (#/...) are allowed");
}
