namespace KestrelTcp.Server.Sessions;

internal sealed partial class Session
{
    // The listener's archive once this session is a device; null before (and always when history is off),
    // so the data path of an unidentified session checks one field per frame.
    private IFrameArchive? _archive;

    /// <summary>Where this session's frames are archived: set once it is a device and its listener has an archive.</summary>
    internal IFrameArchive? Archive => Volatile.Read(ref _archive);

    /// <summary>From now on this session's frames go to its listener's archive, if it has one (it is a device now).</summary>
    private void StartArchiving() => Volatile.Write(ref _archive, Listener.Archive);
}
