namespace KestrelTcp.Server.Hosting.EventLoop;

/// <summary>Accepts that failed on the event-loop transport since start, by cause.</summary>
/// <param name="OutOfResources">The process was at its descriptor limit or the kernel out of buffer space;
/// the listener waited and tried again.</param>
/// <param name="Reset">A connection was reset before it could be accepted.</param>
/// <param name="Registration">A connection went away between accept and registration with a loop.</param>
internal readonly record struct AcceptErrors(long OutOfResources, long Reset, long Registration)
{
    /// <summary>All of them.</summary>
    public long Total => OutOfResources + Reset + Registration;
}
