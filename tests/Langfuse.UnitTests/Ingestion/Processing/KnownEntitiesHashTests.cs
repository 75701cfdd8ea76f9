using System.IO.Hashing;
using System.Text;
using Langfuse.Features.Ingestion.Processing;

namespace Langfuse.UnitTests.Ingestion.Processing;

/// <summary>
/// The known-entities sets in Redis outlive the service's versions: an entity's bucket and fingerprint must stay the
/// hash of "type\nid" in UTF-8, or entities marked by one version would look new to the next.
/// </summary>
public sealed class KnownEntitiesHashTests
{
    [Theory]
    [InlineData("observation", "0b0c2a7e-5d1f-4a55-9d7b-0a3f2f6f9e11")]
    [InlineData("trace", "ünïcödé-中文-🦆")]
    [InlineData("score", "")]
    public void An_entity_hashes_as_its_type_a_line_feed_and_its_id(string type, string id) =>
        KnownEntities.Hash(type, id).ShouldBe(Expected(type, id));

    [Fact]
    public void Ids_longer_than_the_stack_buffer_hash_the_same_way()
    {
        var id = string.Concat(Enumerable.Repeat("é-long-id-", 400));
        KnownEntities.Hash("observation", id).ShouldBe(Expected("observation", id));
    }

    static (uint, int) Expected(string type, string id)
    {
        var hash = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(type + "\n" + id));
        return ((uint)hash, (int)(hash >> 32));
    }
}
