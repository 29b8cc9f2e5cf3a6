using System.Buffers;
using System.IO.Pipelines;

namespace KestrelTcp.Protocols;

/// <summary>
/// Reads messages from a <see cref="PipeReader"/> with an <see cref="IMessageReader{TMessage}"/>.
/// Each message returned by <see cref="ReadAsync"/> is a slice of the pipe's buffer that stays valid
/// until the next call to <see cref="ReadAsync"/>; copy it to keep it. Several messages that arrived
/// in one read are parsed without going back to the pipe. Not thread-safe: one reader at a time.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class ProtocolReader<TMessage>
{
    private readonly PipeReader _input;
    private readonly IMessageReader<TMessage> _reader;
    private ReadOnlySequence<byte> _buffer;
    private SequencePosition _consumed;
    private SequencePosition _examined;
    private bool _hasBuffer;
    private bool _isCompleted;

    /// <summary>Creates a reader over <paramref name="input"/>.</summary>
    public ProtocolReader(PipeReader input, IMessageReader<TMessage> reader)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reader);
        _input = input;
        _reader = reader;
    }

    /// <summary>
    /// Reads the next message. Returns a result with <see cref="ProtocolReadResult{TMessage}.IsCompleted"/>
    /// set when the stream ended cleanly.
    /// </summary>
    /// <exception cref="FramingException">The stream broke the framing rules or ended inside a frame.</exception>
    public async ValueTask<ProtocolReadResult<TMessage>> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (!_hasBuffer)
            {
                if (_isCompleted)
                {
                    return new ProtocolReadResult<TMessage>(default!, isCompleted: true, isCanceled: false);
                }

                var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    _input.AdvanceTo(result.Buffer.Start);
                    return new ProtocolReadResult<TMessage>(default!, isCompleted: false, isCanceled: true);
                }

                _buffer = result.Buffer;
                _consumed = _buffer.Start;
                _examined = _buffer.End;
                _hasBuffer = true;
                _isCompleted = result.IsCompleted;
            }

            var remaining = _buffer.Slice(_consumed);
            if (_reader.TryParseMessage(remaining, ref _consumed, ref _examined, out var message))
            {
                return new ProtocolReadResult<TMessage>(message, isCompleted: false, isCanceled: false);
            }

            // No whole message in the buffer: give it back and wait for more.
            _input.AdvanceTo(_consumed, _examined);
            _hasBuffer = false;
            if (_isCompleted)
            {
                if (!remaining.IsEmpty && _reader is FrameCodec codec)
                {
                    codec.ThrowIfTruncated(remaining);
                }

                return new ProtocolReadResult<TMessage>(default!, isCompleted: true, isCanceled: false);
            }
        }
    }
}
