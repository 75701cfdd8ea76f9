using System.Text.Json;
using Langfuse.Infrastructure.Http;

namespace Langfuse.UnitTests.Infrastructure;

/// <summary>What an accepted value must be: the quick check on raw text passes good values and sends every bad one to the walk that names it.</summary>
public sealed class JsonTextTests
{
    static List<string> Check(string json)
    {
        using var document = JsonDocument.Parse(json);
        var errors = new List<string>();
        JsonText.Check(document.RootElement, "body", errors);
        return errors;
    }

    [Theory]
    [InlineData("""{"text":"line\nbreak \"quoted\" \\u not an escape","name":"caf\u00e9 ✓"}""")]
    [InlineData("""{"emoji":"\ud83d\ude00","escaped\u00e9key":[1, -2.5, 1.7e308, 0.000001]}""")]
    [InlineData("""{"deep":{"a":[{"b":null,"c":true}]},"long":12345678901234567890123456789012345678901234567890}""")]
    public void Good_values_pass(string json) => Check(json).ShouldBeEmpty();

    [Theory]
    [InlineData("""{"a":{"b":"x\ud800y"}}""", "body.a.b: invalid text")]
    [InlineData("""{"a":[1,"\udfff"]}""", "body.a[1]: invalid text")]
    [InlineData("""{"a":{"bad\ud800key":1}}""", "body.a: invalid text")]
    [InlineData("""{"a":{"n":1e400}}""", "body.a.n: number out of range")]
    [InlineData("""{"a":[-1E999]}""", "body.a[0]: number out of range")]
    public void Bad_values_are_named_by_path(string json, string error) => Check(json).ShouldHaveSingleItem().ShouldStartWith(error);

    [Fact]
    public void A_number_of_four_hundred_digits_is_out_of_range()
    {
        Check($$"""{"n":{{new string('9', 400)}}}""").ShouldHaveSingleItem().ShouldStartWith("body.n: number out of range");
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_refused()
    {
        // The parser lets it through (it validates structure, not every string's bytes): the check must not.
        byte[] bytes = [.. "{\"a\":\"ok "u8, 0xC3, 0x28, .. "\"}"u8];
        using var document = JsonDocument.Parse(bytes);
        var errors = new List<string>();
        JsonText.Check(document.RootElement, "body", errors);
        errors.ShouldHaveSingleItem().ShouldStartWith("body.a: invalid text");
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_named()
    {
        var json = new string('[', JsonText.MaxDepth + 2) + new string(']', JsonText.MaxDepth + 2);
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
        var errors = new List<string>();
        JsonText.Check(document.RootElement, "body", errors);
        errors.ShouldHaveSingleItem().ShouldContain("nested deeper than");
    }
}
