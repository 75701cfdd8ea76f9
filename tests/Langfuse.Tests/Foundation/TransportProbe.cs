namespace Langfuse.Tests.Foundation;

public sealed record TransportProbe(string Id, string Payload);
