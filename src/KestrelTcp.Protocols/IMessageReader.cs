using System.Buffers;

namespace KestrelTcp.Protocols;

/// <summary>
/// Parses one message from the front of a buffer without copying it.
/// </summary>
/// <typeparam name="TMessage">The parsed message type.</typeparam>
public interface IMessageReader<TMessage>
{
    /// <summary>
    /// Tries to parse one message from the start of <paramref name="input"/>.
    /// </summary>
    /// <param name="input">The unconsumed bytes.</param>
    /// <param name="consumed">Set to the end of the message when one is parsed; left alone otherwise.</param>
    /// <param name="examined">Set to the end of the message when one is parsed, else to the end of
    /// <paramref name="input"/> so that the caller waits for more data.</param>
    /// <param name="message">The parsed message; for byte frames a slice of <paramref name="input"/>
    /// that stays valid until the caller advances past it.</param>
    /// <returns><see langword="true"/> when a whole message was parsed.</returns>
    /// <exception cref="FramingException">The bytes break the framing rules.</exception>
    bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out TMessage message);
}
