using System.Globalization;
using StackExchange.Redis;

namespace Langfuse.Infrastructure.Messaging.RedisStreams;

/// <summary>
/// <c>dotnet Langfuse.dll dead-letters [list|replay] [--queue ingestion] [--project ID]</c> (or <c>./run.sh dead-letters …</c>):
/// lists what the workers could not process, with project and reason, or puts it back on its queue. Replay is safe to
/// repeat: folding ignores events it has already folded, and an event that still fails is dead-lettered again.
/// </summary>
public static class DeadLetterCommand
{
    public static async Task<int> RunAsync(string[] args, string redisConfiguration, TextWriter output)
    {
        var action = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : "list";
        var queue = Option(args, "--queue") ?? "ingestion";
        var project = Option(args, "--project");
        if (action is not ("list" or "replay"))
        {
            output.WriteLine("usage: dead-letters [list|replay] [--queue NAME] [--project ID]");
            return 2;
        }
        var options = new RedisStreamsOptions();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConfiguration);
        var db = redis.GetDatabase();
        var deadKey = options.DeadLetterKey(queue);
        var entries = (await db.StreamRangeAsync(deadKey)).Where(e => project is null || (string?)e["project_id"] == project).ToList();
        if (action == "list")
        {
            foreach (var e in entries)
                output.WriteLine(string.Join("\t", e.Id, (string?)e["failed_at"] ?? "", (string?)e["project_id"] ?? "-",
                    "attempts=" + ((string?)e["attempts"] ?? "?"), (string?)e["reason"] ?? ""));
            output.WriteLine($"{entries.Count} dead letter(s) in {deadKey}");
            return 0;
        }
        var replayed = 0;
        foreach (var e in entries)
        {
            var fields = e.Values.Where(v => v.Name == "type" || v.Name == "body" || v.Name == "traceparent").ToArray();
            var tx = db.CreateTransaction();
            _ = tx.StreamAddAsync(options.StreamKey(queue), fields);
            _ = tx.StreamDeleteAsync(deadKey, [e.Id]);
            if (await tx.ExecuteAsync()) replayed++;
        }
        await db.PublishAsync(RedisChannel.Literal(options.NotifyChannel(queue)), "1");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{replayed} dead letter(s) put back on {options.StreamKey(queue)}"));
        return 0;
    }

    static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
