using System.Text.Json.Nodes;
using Langfuse.Features.Ingestion.Processing;
using Langfuse.Features.Tracing;

namespace Langfuse.Tests.Ingestion;

/// <summary>Pure logic, no stores: a metadata value stored as text reads back as the value that was sent.</summary>
public sealed class MetadataTextTests
{
    [Theory]
    [InlineData("\"42\"")]
    [InlineData("\"1983516295378495150\"")]
    [InlineData("\"true\"")]
    [InlineData("\"null\"")]
    [InlineData("\"-1.5e3\"")]
    [InlineData("\"{\\\"a\\\":1}\"")]
    [InlineData("\"[1,2]\"")]
    [InlineData("\"\\\"quoted\\\"\"")]
    [InlineData("\"test\"")]
    [InlineData("\"12abc\"")]
    [InlineData("\"-Infinity\"")]
    [InlineData("\"  7  \"")]
    [InlineData("42")]
    [InlineData("1983516295378495150")]
    [InlineData("true")]
    [InlineData("{\"nested\":{\"k\":[1,\"x\"]}}")]
    public void A_value_survives_being_stored_as_text(string json)
    {
        var sent = JsonNode.Parse(json);
        var read = ApiViews.ParseIfPossible(Values.MetadataText(sent));
        read!.ToJsonString().ShouldBe(sent!.ToJsonString());
    }

    [Fact]
    public void Deeply_nested_values_read_back_as_objects()
    {
        JsonNode deep = new JsonObject { ["leaf"] = "bottom" };
        for (var i = 0; i < 200; i++) deep = new JsonObject { ["level"] = deep };
        var text = deep.ToJsonString(new System.Text.Json.JsonSerializerOptions { MaxDepth = 512 });
        Langfuse.Infrastructure.Http.JsonText.IsJson(text).ShouldBeTrue();
        ApiViews.ParseIfPossible(text).ShouldBeOfType<JsonObject>();
    }

    [Theory]
    [InlineData("test", false)]
    [InlineData("foo bar", false)]
    [InlineData("42", true)]
    [InlineData("true", true)]
    [InlineData("{\"a\":1}", true)]
    [InlineData("{not json", false)]
    [InlineData("", false)]
    public void Words_are_told_from_json_without_parsing_them(string text, bool json) => Langfuse.Infrastructure.Http.JsonText.IsJson(text).ShouldBe(json);
}
