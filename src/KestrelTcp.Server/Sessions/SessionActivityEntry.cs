namespace KestrelTcp.Server.Sessions;

/// <summary>One of the busiest sessions: what it moved, both directions together, over the window.</summary>
/// <param name="Id">The session's id.</param>
/// <param name="Listener">Its listener.</param>
/// <param name="RemoteEndPoint">Its peer's address.</param>
/// <param name="DeviceId">The device it is, when identified.</param>
/// <param name="Bytes">Bytes received and sent over the window.</param>
/// <param name="Frames">Frames received and sent over the window.</param>
/// <param name="BytesPerSecond"><paramref name="Bytes"/> over the window's length.</param>
/// <param name="FramesPerSecond"><paramref name="Frames"/> over the window's length.</param>
public sealed record SessionActivityEntry(
    string Id,
    string Listener,
    string? RemoteEndPoint,
    string? DeviceId,
    long Bytes,
    long Frames,
    double BytesPerSecond,
    double FramesPerSecond);
