using Marten;

namespace Langfuse.Infrastructure.Persistence;

/// <summary>
/// Saving a unit of work that may lose a race: with optimistic concurrency or a unique index, the loser's save
/// fails; the caller then starts over from a fresh read. The short random pause spreads out repeated collisions.
/// </summary>
public static class OptimisticSave
{
    public const int MaxAttempts = 20;

    /// <returns>false when another writer got there first and the caller should retry (up to <see cref="MaxAttempts"/>).</returns>
    public static async Task<bool> TrySaveAsync(this IDocumentSession session, int attempt, CancellationToken ct)
    {
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception e) when (e is JasperFx.ConcurrencyException or JasperFx.DocumentAlreadyExistsException or Marten.Exceptions.MartenCommandException
                                  && attempt < MaxAttempts)
        {
            await Task.Delay(Random.Shared.Next(1, 5 * attempt), ct);
            return false;
        }
    }
}
