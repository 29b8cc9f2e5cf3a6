using System.Buffers;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Where a Broker listener hands the frames its sessions receive, beyond its own sessions (to the same
/// listener on the other nodes of a cluster). A listener has one only when something needs it
/// (<see cref="Listener.Relay"/> is null on a single node: one null check per relayed frame, nothing more).
/// Called on the read loop of the session that received the frame, for every frame, in order: an
/// implementation copies the payload and returns at once. It must never block, await, do I/O or take a
/// lock held across anything but a copy; when it cannot keep the frame it drops it and counts it.
/// </summary>
internal interface IBrokerRelay
{
    /// <summary>Takes a copy of <paramref name="payload"/> (the frame without its framing), or drops it.</summary>
    void Relay(ReadOnlySpan<byte> payload);

    /// <inheritdoc cref="Relay(ReadOnlySpan{byte})" />
    void Relay(in ReadOnlySequence<byte> payload);
}
