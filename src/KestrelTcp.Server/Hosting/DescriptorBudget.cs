using System.Runtime.InteropServices;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Keeps sessions from taking the last file descriptors of the process. On Linux the runtime keeps every
/// loaded assembly open (about 300 descriptors for this server) and opens more as new code runs; with no
/// descriptor left such a load fails and the process dies. So the sessions of all listeners together may
/// use the process's descriptor limit less what was open at start and a reserve (the HTTP side, the audit
/// database, logs, assemblies still to load); a connection past that is refused as <c>ConnectionLimit</c>,
/// like one past its listener's limit.
/// </summary>
internal sealed partial class DescriptorBudget
{
    /// <summary>Descriptors kept free for everything that is not a session.</summary>
    public const int Reserve = 256;

    private readonly WarningInterval _warnings = new(TimeSpan.FromSeconds(30));
    private int _sessions;
    private long _refused;

    public DescriptorBudget()
        : this(ReadLimit(), CountOpen())
    {
    }

    /// <param name="limit">The process's descriptor limit; 0 when unknown or unlimited (no budget then).</param>
    /// <param name="openAtStart">Descriptors already open.</param>
    internal DescriptorBudget(long limit, int openAtStart)
    {
        Limit = limit;
        OpenAtStart = openAtStart;
        MaxSessions = limit <= 0 ? int.MaxValue : (int)Math.Clamp(limit - openAtStart - Reserve, 0, int.MaxValue);
    }

    /// <summary>The process's descriptor limit (soft), 0 when unknown or unlimited.</summary>
    public long Limit { get; }

    public int OpenAtStart { get; }

    /// <summary>Sessions the budget allows at once (<see cref="int.MaxValue"/> when there is no limit to keep).</summary>
    public int MaxSessions { get; }

    /// <summary>Takes a descriptor for a new session; false when the budget is spent.</summary>
    public bool TryAcquire()
    {
        if (Interlocked.Increment(ref _sessions) <= MaxSessions)
        {
            return true;
        }

        Interlocked.Decrement(ref _sessions);
        Interlocked.Increment(ref _refused);
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

    private static int CountOpen()
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
