namespace Langfuse.Infrastructure.Messaging.RedisStreams;

/// <summary>
/// A message as its stream entry holds it (gzipped JSON), handed to a handler that decodes it only when it uses it.
/// For queues whose handler keeps many messages waiting (<see cref="RedisStreamsOptions.RouteEncoded{T}"/>): the
/// ingestion worker holds up to 256 batches while a round writes, and decoded they were the largest thing in its
/// heap (a third of it in the closed-loop benchmark); as entries they are a sixth of the size.
/// </summary>
public sealed class Encoded<T>(byte[] body) where T : notnull
{
    /// <exception cref="UndecodableMessageException">The entry is not a <typeparamref name="T"/>: it is dead-lettered at once.</exception>
    public T Decode() => RedisStreamPublisher.DecodeMessage<T>(body);

    /// <summary>The message as a consumer would deliver it (for tests and in-process callers).</summary>
    public static Encoded<T> Of(T message) => new(RedisStreamPublisher.Encode(message));
}

/// <summary>An entry whose body is not its message: retrying cannot help, so the consumer dead-letters it at once.</summary>
public sealed class UndecodableMessageException(Exception inner) : Exception(inner.Message, inner);
