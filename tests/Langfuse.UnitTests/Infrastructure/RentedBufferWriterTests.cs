using System.Buffers;
using System.Text;
using System.Text.Json;
using Langfuse.Infrastructure;

namespace Langfuse.UnitTests.Infrastructure;

public sealed class RentedBufferWriterTests
{
    [Fact]
    public void Text_larger_than_the_first_array_is_kept_whole_and_in_order()
    {
        using var buffer = new RentedBufferWriter(16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var i = 0; i < 1_000; i++) writer.WriteStringValue(new string((char)('a' + i % 26), i % 50));
            writer.WriteEndArray();
        }
        var values = JsonSerializer.Deserialize<string[]>(buffer.WrittenMemory.Span)!;
        values.Length.ShouldBe(1_000);
        values[999].ShouldBe(new string((char)('a' + 999 % 26), 999 % 50));
    }

    [Fact]
    public void Cleared_it_starts_again_from_nothing()
    {
        using var buffer = new RentedBufferWriter(64);
        ((IBufferWriter<byte>)buffer).Write("first piece"u8);
        buffer.Clear();
        ((IBufferWriter<byte>)buffer).Write("second"u8);
        Encoding.UTF8.GetString(buffer.WrittenMemory.Span).ShouldBe("second");
    }

    [Fact]
    public void Advancing_past_what_was_given_is_refused()
    {
        using var buffer = new RentedBufferWriter(8);
        var given = buffer.GetMemory(4).Length;
        Should.Throw<ArgumentOutOfRangeException>(() => buffer.Advance(given + 1));
    }
}
