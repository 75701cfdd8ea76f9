namespace Langfuse.Tests.Infrastructure;

/// <summary>Polling with a deadline, for effects that happen in the background (no fixed sleeps).</summary>
public static class Eventually
{
    public static async Task Async(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException(failure);
            await Task.Delay(delay);
            if (delay < TimeSpan.FromMilliseconds(250)) delay *= 2;
        }
    }

    public static async Task<T> Value<T>(Func<Task<T?>> read, TimeSpan timeout, string failure) where T : class
    {
        T? value = null;
        await Async(async () => (value = await read()) is not null, timeout, failure);
        return value!;
    }
}
