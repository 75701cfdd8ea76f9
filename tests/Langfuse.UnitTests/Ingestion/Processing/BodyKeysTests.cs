using System.Text.Json;
using Langfuse.Features.Ingestion.Processing;

namespace Langfuse.UnitTests.Ingestion.Processing;

public sealed class BodyKeysTests
{
    static string NameOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return BodyKeys.Name(document.RootElement.EnumerateObject().Single());
    }

    [Fact]
    public void A_usual_name_is_the_same_string_every_time()
    {
        var first = NameOf("""{"traceId":1}""");
        first.ShouldBe("traceId");
        ReferenceEquals(first, NameOf("""{"traceId":2}""")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"\u0069d":1}""", "id")]
    [InlineData("""{"trace":1}""", "trace")]
    [InlineData("""{"traceIdx":1}""", "traceIdx")]
    [InlineData("""{"":1}""", "")]
    [InlineData("""{"naïve":1}""", "naïve")]
    public void Any_other_name_reads_as_its_unescaped_text(string json, string name) => NameOf(json).ShouldBe(name);
}
