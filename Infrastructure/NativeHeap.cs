using System.Runtime.InteropServices;

namespace Langfuse.Infrastructure;

/// <summary>
/// Limits glibc's malloc to two arenas. By default each thread that allocates natively gets its own arena, up to eight
/// per core, and every arena keeps its freed pages: in the closed-loop benchmark the service's native heap held ~43 MB
/// in ten arenas, ~22 MB in two (docs/ingestion-profile.md). Set here rather than as MALLOC_ARENA_MAX so that every way
/// of starting the service (run.sh, the image, the benchmarks, the tests) gets it; arenas made before this call stay.
/// </summary>
public static class NativeHeap
{
    const int ArenaMax = -8; // M_ARENA_MAX in glibc's malloc.h

    /// <summary>Applies the limit on glibc; does nothing elsewhere (musl, macOS, Windows) or when MALLOC_ARENA_MAX is set.</summary>
    public static void LimitArenas(int arenas = 2)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { Length: > 0 }) return;
        try { _ = MallOpt(ArenaMax, arenas); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    // DllImport rather than LibraryImport, which would need unsafe code enabled for the whole project (two ints need no marshalling).
    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int parameter, int value);
}
