using System.Text.Json.Nodes;
using Langfuse.Features.Tracing.Processing;
using Langfuse.Features.Tracing.Storage;

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

    [Theory]
    [InlineData("test", false)]
    [InlineData("foo bar", false)]
    [InlineData("42", true)]
    [InlineData("true", true)]
    [InlineData("{\"a\":1}", true)]
    [InlineData("{not json", false)]
    [InlineData("", false)]
    public void Words_are_told_from_json_without_parsing_them(string text, bool json) => Values.IsJson(text).ShouldBe(json);
}
