using System.Buffers;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Where the frames of identified sessions go to be kept beyond the session (the durable device history).
/// A listener has one only when history is on (<see cref="Listener.Archive"/>); a session takes it when it
/// becomes a device, so an unidentified session pays one null check per frame and nothing more. Called on
/// the session's read loop (frames in) and write loop (frames out), for every frame, in order: an
/// implementation copies what it keeps and returns at once. It must never block, await, do I/O or take a
/// lock held across anything but a copy; when it cannot keep the frame it drops it and counts it.
/// </summary>
internal interface IFrameArchive
{
    /// <summary>Takes a copy of <paramref name="payload"/> (the frame without its framing), or drops it.</summary>
    /// <param name="session">The session, already a device (<see cref="Session.DeviceId"/> is set).</param>
    /// <param name="direction">Which way the frame went.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="atTicks">When it was received or sent, in UTC ticks.</param>
    void Archive(Session session, FrameDirection direction, ReadOnlySpan<byte> payload, long atTicks);

    /// <inheritdoc cref="Archive(Session, FrameDirection, ReadOnlySpan{byte}, long)" />
    void Archive(Session session, FrameDirection direction, in ReadOnlySequence<byte> payload, long atTicks);
}
