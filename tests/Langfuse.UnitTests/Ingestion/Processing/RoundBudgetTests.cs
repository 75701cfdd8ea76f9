using Langfuse.Features.Ingestion;
using Langfuse.Features.Ingestion.Processing;

namespace Langfuse.UnitTests.Ingestion.Processing;

/// <summary>What one ingestion round takes from the batches waiting: the worker's memory is bounded by it.</summary>
public sealed class RoundBudgetTests
{
    static IngestBatch Batch(int events, int bodyBytes) =>
        new("p", 0, Enumerable.Range(0, events).Select(i => new AcceptedEvent($"e{i}", "trace-create", 0, EntityTypes.Trace, $"t{i}", new byte[bodyBytes])).ToList());

    [Fact]
    public void Small_events_fill_a_round_by_count()
    {
        var budget = new RoundBudget();
        var taken = 0;
        while (!budget.Spent) { budget.Add(Batch(100, 800)); taken++; }
        taken.ShouldBe(RoundBudget.MaxEvents / 100);
    }

    [Fact]
    public void Large_bodies_fill_a_round_by_bytes_long_before_the_count()
    {
        var budget = new RoundBudget();
        var taken = 0;
        while (!budget.Spent) { budget.Add(Batch(8, 256 * 1024)); taken++; } // 2 MB a batch
        taken.ShouldBe((int)(RoundBudget.MaxBodyBytes / (2 * 1024 * 1024)));
        (taken * 8).ShouldBeLessThan(RoundBudget.MaxEvents);
    }

    [Fact]
    public void One_batch_larger_than_the_budget_is_still_a_round()
    {
        var budget = new RoundBudget();
        budget.Spent.ShouldBeFalse();
        budget.Add(Batch(1, (int)RoundBudget.MaxBodyBytes + 1));
        budget.Spent.ShouldBeTrue();
    }
}
