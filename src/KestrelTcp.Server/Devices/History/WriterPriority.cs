using System.Runtime.InteropServices;

namespace KestrelTcp.Server.Devices.History;

/// <summary>
/// Lowers the calling thread's (the history writer's) scheduling priority to a nice value, so that on a
/// busy core it takes a small share of the time and the data path the rest: under Linux's fair scheduler a
/// thread at nice 10 beside one at nice 0 gets about a tenth of a contended core (nice 19: about 1.5 %),
/// and an idle core is the writer's in full. At nice 0, the writer at full tilt took half the core from the
/// event loop that serves the devices (bench/history.sh: identified echo at 0.35× unidentified). Lowering
/// one's own priority needs no privilege. Elsewhere, the managed thread priority is lowered instead.
/// </summary>
internal static partial class WriterPriority
{
    private const int PrioProcess = 0;

    /// <summary>Sets the calling thread's nice value to <paramref name="nice"/> (0 leaves it as it is);
    /// true when the operating system took it.</summary>
    public static bool LowerCurrentThread(int nice)
    {
        if (nice <= 0)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            try
            {
                // On Linux PRIO_PROCESS with a thread id sets that one thread's nice value.
                return SetPriority(PrioProcess, GetTid(), nice) == 0;
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                // An unusual libc: fall back to the managed priority below.
            }
        }

        Thread.CurrentThread.Priority = nice >= 10 ? ThreadPriority.Lowest : ThreadPriority.BelowNormal;
        return false;
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}
