using System.Buffers;

namespace Langfuse.Infrastructure;

/// <summary>
/// A buffer writer over arrays rented from the shared pool, for output that is sent a piece at a time and then reset.
/// <see cref="ArrayBufferWriter{T}"/> would do, but it grows by allocating: a JSON writer asks for six times a string's
/// length before writing it (room to escape every character), so nearly every insert outgrew its first array and
/// allocated a second on the large-object heap: 9.7 % of the bytes the worker allocated while draining a backlog.
/// </summary>
public sealed class RentedBufferWriter(int initialCapacity) : IBufferWriter<byte>, IDisposable
{
    byte[] _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);
    public int WrittenCount => _written;

    /// <summary>Forgets what was written; the array is kept for what comes next.</summary>
    public void Clear() => _written = 0;

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _buffer.Length) throw new ArgumentOutOfRangeException(nameof(count));
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint); // before reading _buffer, which it may replace
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    void Reserve(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _written = 0;
    }
}
