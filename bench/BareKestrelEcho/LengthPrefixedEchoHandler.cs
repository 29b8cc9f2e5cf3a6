using System.Buffers;
using System.Buffers.Binary;
using Microsoft.AspNetCore.Connections;

namespace BareKestrelEcho;

/// <summary>Reads 4-byte big-endian length-prefixed frames and writes each one straight back, flushing once per read.</summary>
internal sealed class LengthPrefixedEchoHandler : ConnectionHandler
{
    private const int MaxFrame = 64 * 1024 * 1024;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                var wrote = false;
                while (TryReadFrame(ref buffer, out var frame))
                {
                    foreach (var segment in frame)
                    {
                        output.Write(segment.Span);
                    }

                    wrote = true;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (wrote)
                {
                    var flush = await output.FlushAsync();
                    if (flush.IsCompleted)
                    {
                        break;
                    }
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (ConnectionResetException)
        {
        }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync();
        }
    }

    /// <summary>Slices one whole frame (header included, so the echo is a copy of the bytes).</summary>
    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 0 || length > MaxFrame)
        {
            throw new InvalidDataException($"Bad length {length}.");
        }

        if (buffer.Length < 4 + length)
        {
            return false;
        }

        frame = buffer.Slice(0, 4 + length);
        buffer = buffer.Slice(frame.End);
        return true;
    }
}
