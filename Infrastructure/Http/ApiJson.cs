using System.Text.Json;

namespace Langfuse.Infrastructure.Http;

/// <summary>How responses are written: the endpoints' serializer and any response serialized ahead (a cached one) alike.</summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        // Inputs and outputs may nest as deep as the ingestion parser accepts (256); responses must serialise them too.
        options.MaxDepth = 512;
        options.Converters.Add(new UtcTimestampConverter());
    }

    public static readonly JsonSerializerOptions Options = Create();

    static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}
