namespace KestrelTcp.Server.Sessions;

/// <summary>
/// An <see cref="IFrameArchive"/> put in front of a session's archive for a while (a recording): it sees
/// every frame of the session, in order, on the session's loops, and passes each one on to
/// <see cref="Inner"/> (the durable history once the session is a device). Sessions without a tap pay
/// nothing for the possibility: the tap lives in the archive field the data path already checks.
/// </summary>
internal interface IFrameTap : IFrameArchive
{
    /// <summary>The archive the frames go on to; null while the session has none.</summary>
    IFrameArchive? Inner { get; set; }
}
