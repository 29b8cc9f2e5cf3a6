namespace KestrelTcp.Server.Sessions;

internal sealed partial class Session
{
    // The listener's archive once this session is a device; null before (and always when history is off),
    // so the data path of an unidentified session checks one field per frame. A tap (a recording) takes
    // this field's place while it runs and passes frames on to the archive.
    private IFrameArchive? _archive;

    /// <summary>Where this session's frames are archived: set once it is a device and its listener has an archive.</summary>
    internal IFrameArchive? Archive => Volatile.Read(ref _archive) is IFrameTap tap ? tap.Inner : Volatile.Read(ref _archive);

    /// <summary>From now on this session's frames go to its listener's archive, if it has one (it is a device now).</summary>
    private void StartArchiving()
    {
        var current = Volatile.Read(ref _archive);
        while (true)
        {
            if (current is IFrameTap tap)
            {
                tap.Inner = Listener.Archive;
                return;
            }

            var seen = Interlocked.CompareExchange(ref _archive, Listener.Archive, current);
            if (ReferenceEquals(seen, current))
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Puts <paramref name="tap"/> in front of the archive; false when another tap is there.</summary>
    internal bool TryAddTap(IFrameTap tap)
    {
        var current = Volatile.Read(ref _archive);
        while (current is not IFrameTap)
        {
            tap.Inner = current;
            var seen = Interlocked.CompareExchange(ref _archive, tap, current);
            if (ReferenceEquals(seen, current))
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Takes <paramref name="tap"/> out again; the frames go straight to the archive.</summary>
    internal void RemoveTap(IFrameTap tap) => Interlocked.CompareExchange(ref _archive, tap.Inner, tap);

    /// <summary>The tap in front of the archive, if any.</summary>
    internal IFrameTap? Tap => Volatile.Read(ref _archive) as IFrameTap;
}
