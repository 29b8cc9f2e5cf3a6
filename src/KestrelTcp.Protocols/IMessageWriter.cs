using System.Buffers;

namespace KestrelTcp.Protocols;

/// <summary>
/// Writes one message, framed, to a buffer writer.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public interface IMessageWriter<TMessage>
{
    /// <summary>Writes <paramref name="message"/> with its framing to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">The message cannot be framed (too large, contains the delimiter, …).</exception>
    void WriteMessage(TMessage message, IBufferWriter<byte> output);
}
