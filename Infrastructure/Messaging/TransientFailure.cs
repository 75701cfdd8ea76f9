using System.Net.Sockets;
using Langfuse.Infrastructure.ClickHouse;
using Npgsql;
using StackExchange.Redis;

namespace Langfuse.Infrastructure.Messaging;

/// <summary>
/// Tells a failure of the surroundings (a store down, slow or overloaded) from a failure caused by the message itself.
/// Only the second kind counts toward dead-lettering: an outage of any length must not turn accepted events into dead
/// letters, so consumers pause on the first kind and retry everything once the store answers again.
/// </summary>
public static class TransientFailure
{
    /// <summary>ClickHouse error codes that describe the server's state, not the statement: timeouts, memory, too many parts or queries, network.</summary>
    static readonly int[] TransientClickHouseCodes = [159, 160, 164, 202, 203, 209, 210, 241, 242, 252, 319, 394, 425, 439, 999];

    public static bool Is(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case HttpRequestException or SocketException or IOException or TimeoutException or TaskCanceledException:
                case RedisConnectionException or RedisTimeoutException:
                case NpgsqlException { IsTransient: true }:
                    return true;
                case NpgsqlException when x.InnerException is SocketException or IOException or TimeoutException:
                    return true;
                case ClickHouseException ch when ch.ServerCode is { } code && TransientClickHouseCodes.Contains(code):
                    return true;
                case ClickHouseException { HttpStatus: >= 500 and not 500 }: // 502/503/504 from a proxy or an overloaded server
                    return true;
            }
            if (x is AggregateException aggregate && aggregate.InnerExceptions.Any(Is)) return true;
        }
        return false;
    }
}
