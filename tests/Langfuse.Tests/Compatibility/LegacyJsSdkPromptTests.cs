using Langfuse.Tests.Infrastructure;
using Langfuse.Tests.Prompts;

namespace Langfuse.Tests.Compatibility;

/// <summary>Prompt management through the real legacy Langfuse JS SDK against the service on a real port.</summary>
[Collection(PromptsCollection.Name)]
public sealed class LegacyJsSdkPromptTests(AppFixture app) : RealServiceTest(app)
{
    [Fact]
    public async Task The_SDK_creates_fetches_and_compiles_text_and_chat_prompts()
    {
        var result = await RunNodeAsync("legacy-sdk-prompts.mjs", Guid.NewGuid().ToString("N")[..8]);

        result.GetProperty("createdVersion").GetInt32().ShouldBe(1);
        var production = result.GetProperty("production");
        production.GetProperty("version").GetInt32().ShouldBe(1);
        production.GetProperty("compiled").GetString().ShouldBe("Hello Ada, welcome to Langfuse!");
        production.GetProperty("config").GetProperty("temperature").GetDouble().ShouldBe(0.7);
        production.GetProperty("isFallback").GetBoolean().ShouldBeFalse();
        production.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ShouldBe(["production"]);

        result.GetProperty("staging").GetProperty("version").GetInt32().ShouldBe(2);
        result.GetProperty("staging").GetProperty("compiled").GetString().ShouldBe("Hi Bob (v2)");
        result.GetProperty("version1").GetProperty("prompt").GetString().ShouldBe("Hello {{name}}, welcome to {{place}}!");

        var chat = result.GetProperty("chat").GetProperty("compiled");
        chat.GetArrayLength().ShouldBe(4);
        chat[0].GetProperty("content").GetString().ShouldBe("You are a friendly assistant.");
        chat[1].GetProperty("content").GetString().ShouldBe("earlier");
        chat[2].GetProperty("role").GetString().ShouldBe("assistant");
        chat[3].GetProperty("content").GetString().ShouldBe("What is 2+2?");
    }
}
