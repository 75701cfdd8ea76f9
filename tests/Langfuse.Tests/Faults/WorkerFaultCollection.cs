namespace Langfuse.Tests.Faults;

[CollectionDefinition(Name)]
public sealed class WorkerFaultCollection : ICollectionFixture<WorkerFaultFixture>
{
    public const string Name = "worker-faults";
}
