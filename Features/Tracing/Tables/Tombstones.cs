namespace Langfuse.Features.Tracing.Tables;

/// <summary>
/// The row that marks an entity deleted: is_deleted = 1 and a fold_version no fold can reach, so every read drops the
/// entity and no late event revives it. It carries no input, output, metadata or comment: deleted content must not
/// survive in the very row that hides it.
/// </summary>
public static class Tombstones
{
    public static TraceRow Of(TraceRow r, long now) =>
        r with { IsDeleted = 1, FoldVersion = TracingStore.Tombstone, UpdatedAt = now, Input = null, Output = null, MetadataKeys = [], MetadataValues = [] };
    public static ObservationRow Of(ObservationRow o, long now) =>
        o with { IsDeleted = 1, FoldVersion = TracingStore.Tombstone, UpdatedAt = now, Input = null, Output = null, MetadataKeys = [], MetadataValues = [], ModelParameters = null };
    public static ScoreRow Of(ScoreRow s, long now) =>
        s with { IsDeleted = 1, FoldVersion = TracingStore.Tombstone, UpdatedAt = now, Comment = null, MetadataKeys = [], MetadataValues = [], StringValue = null, LongStringValue = null };
}
