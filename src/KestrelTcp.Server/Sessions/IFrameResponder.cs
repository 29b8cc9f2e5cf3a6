using System.Buffers;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// What answers a listener's frames on the session's read loop (the auto-reply rules,
/// <see cref="Listener.Responder"/>). Called for every frame received, in order, before it is recorded;
/// it must never block, await, do I/O or take a lock, and should allocate nothing when nothing matches.
/// A reply goes through <see cref="Session.EnqueueReply"/>, the session's normal outbound path.
/// </summary>
internal interface IFrameResponder
{
    /// <summary>Matches <paramref name="payload"/> (the frame without its framing) and replies if a rule says so.</summary>
    FrameResponse Respond(Session session, ReadOnlySpan<byte> payload);

    /// <inheritdoc cref="Respond(Session, ReadOnlySpan{byte})" />
    FrameResponse Respond(Session session, in ReadOnlySequence<byte> payload);
}
