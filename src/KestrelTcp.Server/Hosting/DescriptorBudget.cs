using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Keeps connections from taking the last file descriptors of the process. On Linux the runtime keeps
/// every loaded assembly open (about 300 descriptors for this server) and opens more as new code runs;
/// with no descriptor left such a load fails and the process dies. So the connections of all kinds
/// together may use the process's descriptor limit less what was open at start and a
/// <see cref="Reserve"/> (the audit database, logs, assemblies still to load, connections being
/// refused), split between the sessions of all listeners (<see cref="MaxSessions"/>) and the HTTP side
/// (<see cref="MaxHttpConnections"/>, WebSockets included, of which <see cref="MaxAnonymousHttpConnections"/>
/// may be held by connections that have not signed in). A session past its share is refused as
/// <c>ConnectionLimit</c>, like one past its listener's limit; HTTP connections are admitted by
/// <see cref="HttpConnectionBudget"/>. Every accept, on every port, first takes a place at its gate
/// (<see cref="SessionAccepts"/>, <see cref="HttpAccepts"/>), which holds its share plus
/// <see cref="AcceptHeadroom"/> for connections on their way to being refused: no accept can take the
/// last descriptors, and a flood on the TCP ports cannot keep the HTTP port from accepting, or the reverse.
/// </summary>
internal sealed partial class DescriptorBudget
{
    /// <summary>Descriptors kept free for everything that is not an admitted connection; it includes the
    /// two gates' <see cref="AcceptHeadroom"/>.</summary>
    public const int Reserve = 256;

    /// <summary>Accepted connections each gate allows beyond its share: those on their way to being
    /// refused (or replacing an evicted one). Taken out of the <see cref="Reserve"/>.</summary>
    public const int AcceptHeadroom = 32;

    /// <summary>The fewest and the most HTTP connections a derived <see cref="HttpLimitsOptions.MaxConnections"/> gives.</summary>
    internal const int MinDerivedHttpConnections = 64;

    internal const int MaxDerivedHttpConnections = 4096;

    private readonly WarningInterval _warnings = new(TimeSpan.FromSeconds(30));
    private int _sessions;
    private long _refused;
    private long _refusedTotal;

    public DescriptorBudget(IOptions<HttpLimitsOptions> http)
        : this(ReadLimit(), CountOpen(), http.Value)
    {
    }

    /// <param name="limit">The process's descriptor limit; 0 when unknown or unlimited (no budget then).</param>
    /// <param name="openAtStart">Descriptors already open.</param>
    /// <param name="http">The HTTP side's options; the defaults when null.</param>
    internal DescriptorBudget(long limit, int openAtStart, HttpLimitsOptions? http = null)
    {
        http ??= new HttpLimitsOptions();
        Limit = limit;
        OpenAtStart = openAtStart;
        var available = Available(limit, openAtStart);
        if (limit <= 0)
        {
            MaxHttpConnections = http.MaxConnections ?? HttpLimitsOptions.DefaultMaxConnectionsWithoutLimit;
            MaxSessions = int.MaxValue;
        }
        else
        {
            // At least two HTTP connections even at a tiny limit (one anonymous, one signed in): they
            // come out of the reserve then, which beats a server that cannot be reached at all.
            var derived = Math.Min(available, Math.Clamp(available / 10, MinDerivedHttpConnections, MaxDerivedHttpConnections));
            MaxHttpConnections = (int)Math.Max(2, http.MaxConnections ?? derived);
            MaxSessions = (int)Math.Clamp(available - MaxHttpConnections, 0, int.MaxValue);
            SessionAccepts = new SemaphoreSlim(MaxSessions + AcceptHeadroom);
            HttpAccepts = new SemaphoreSlim(MaxHttpConnections + AcceptHeadroom);
        }

        MaxAnonymousHttpConnections = (int)Math.Clamp((long)MaxHttpConnections * http.AnonymousSharePercent / 100, 1, MaxHttpConnections - 1);
    }

    /// <summary>The descriptors connections may use: the limit less what was open at start and the
    /// <see cref="Reserve"/>; <see cref="long.MaxValue"/> when there is no limit.</summary>
    public static long Available(long limit, int openAtStart) =>
        limit <= 0 ? long.MaxValue : Math.Max(0, limit - openAtStart - Reserve);

    /// <summary>The process's descriptor limit (0 when unknown or unlimited) and how many are open now.</summary>
    public static (long Limit, int OpenAtStart) MeasureProcess() => (ReadLimit(), CountOpen());

    /// <summary>The process's descriptor limit (soft), 0 when unknown or unlimited.</summary>
    public long Limit { get; }

    public int OpenAtStart { get; }

    /// <summary>Sessions the budget allows at once (<see cref="int.MaxValue"/> when there is no limit to keep).</summary>
    public int MaxSessions { get; }

    /// <summary>HTTP connections at once over all HTTP endpoints, upgraded ones included.</summary>
    public int MaxHttpConnections { get; }

    /// <summary>The part of <see cref="MaxHttpConnections"/> connections that have not signed in may hold;
    /// signed-in ones may hold the rest.</summary>
    public int MaxAnonymousHttpConnections { get; }

    /// <summary>Places for accepted TCP-listener connections (sessions and those being refused); null
    /// without a limit.</summary>
    public SemaphoreSlim? SessionAccepts { get; }

    /// <summary>Places for accepted HTTP connections (admitted, being refused, or evicted and closing);
    /// null without a limit.</summary>
    public SemaphoreSlim? HttpAccepts { get; }

    /// <summary>Descriptors held by sessions now.</summary>
    public int SessionsUsed => Volatile.Read(ref _sessions);

    /// <summary>Sessions refused because the budget was spent, since start.</summary>
    public long RefusedTotal => Interlocked.Read(ref _refusedTotal);

    /// <summary>Takes a descriptor for a new session; false when the budget is spent.</summary>
    public bool TryAcquire()
    {
        if (Interlocked.Increment(ref _sessions) <= MaxSessions)
        {
            return true;
        }

        Interlocked.Decrement(ref _sessions);
        Interlocked.Increment(ref _refused);
        Interlocked.Increment(ref _refusedTotal);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _sessions);

    /// <summary>Whether to log a refusal now (at most every 30 s), and how many were refused since the last log.</summary>
    public bool TakeWarning(out long refused)
    {
        if (!_warnings.TryTake())
        {
            refused = 0;
            return false;
        }

        refused = Interlocked.Exchange(ref _refused, 0);
        return true;
    }

    private static long ReadLimit()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        try
        {
            // RLIMIT_NOFILE is 7 on Linux; rlim_t is 64-bit on the 64-bit platforms .NET runs on.
            return GetRLimit(7, out var limit) == 0 && limit.Current < long.MaxValue ? (long)limit.Current : 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>Descriptors the process has open now (0 where they cannot be counted).</summary>
    public static int CountOpen()
    {
        try
        {
            return Directory.Exists("/proc/self/fd") ? Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetRLimit(int resource, out ResourceLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
