using Langfuse.Tests.Infrastructure;
using Wolverine.Runtime;

namespace Langfuse.Tests.Foundation;

[Collection(FoundationCollection.Name)]
public sealed class GeneratedCodeTests(AppFixture app)
{
    /// <summary>
    /// Handlers run from code generated ahead of time (Infrastructure/Messaging/Generated). A handler added without
    /// running `dotnet run -- codegen write` would fall back to runtime compilation and its Roslyn memory cost; this
    /// test makes that visible.
    /// </summary>
    [Fact]
    public void Every_Wolverine_handler_has_pre_generated_code()
    {
        var runtime = (WolverineRuntime)app.Service<IWolverineRuntime>();
        var chains = runtime.Handlers.Chains;
        chains.ShouldNotBeEmpty();
        var assembly = typeof(Program).Assembly;
        foreach (var chain in chains)
            assembly.GetType($"Internal.Generated.WolverineHandlers.{chain.TypeName}")
                .ShouldNotBeNull($"no generated code for the handler of {chain.MessageType.Name}: run `dotnet run -- codegen write` (see docs/design.md, Tests)");
    }
}
