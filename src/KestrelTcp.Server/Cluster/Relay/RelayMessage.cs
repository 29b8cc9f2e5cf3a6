using System.Buffers.Binary;
using System.Text;

namespace KestrelTcp.Server.Cluster.Relay;

/// <summary>
/// The relay message of one Broker listener between nodes: one Redis PUBLISH carrying many frames.
/// Version 1, little-endian:
/// <code>
/// 'K' 'R'           magic (2 bytes)
/// version           1 byte (1)
/// n                 1 byte, the origin node's name length (1 to 63)
/// name              n bytes (ASCII: letters, digits, '.', '_', '-')
/// sequence          8 bytes, the batch's number for this listener since the origin node started (from 1)
/// count             4 bytes, frames in the message
/// count × { length 4 bytes, payload length bytes }
/// </code>
/// The payloads are the frames without their framing: each receiving listener frames them with its own
/// codec. A reader checks everything before delivering anything (whole message or nothing).
/// </summary>
internal static class RelayMessage
{
    public const byte Version = 1;

    /// <summary>Bytes of a frame's length prefix.</summary>
    public const int FramePrefixBytes = 4;

    /// <summary>The largest header (a 63-character node name) plus one frame's prefix: what a message
    /// needs beyond the payload of its one frame, rounded up.</summary>
    public const int MaxOverheadBytes = 80;

    private const byte Magic0 = (byte)'K';
    private const byte Magic1 = (byte)'R';

    /// <summary>The header's length for a node name of <paramref name="nodeNameBytes"/> bytes.</summary>
    public static int HeaderBytes(int nodeNameBytes) => 4 + nodeNameBytes + 8 + 4;

    /// <summary>Writes the header at the start of <paramref name="message"/> (<see cref="HeaderBytes"/> long).</summary>
    public static void WriteHeader(Span<byte> message, ReadOnlySpan<byte> nodeName, long sequence, int count)
    {
        message[0] = Magic0;
        message[1] = Magic1;
        message[2] = Version;
        message[3] = (byte)nodeName.Length;
        nodeName.CopyTo(message[4..]);
        var at = 4 + nodeName.Length;
        BinaryPrimitives.WriteInt64LittleEndian(message[at..], sequence);
        BinaryPrimitives.WriteInt32LittleEndian(message[(at + 8)..], count);
    }

    /// <summary>The node name as the header carries it (ASCII bytes).</summary>
    public static byte[] EncodeNodeName(string node) => Encoding.ASCII.GetBytes(node);

    /// <summary>
    /// Checks a whole message: magic, version, node name, and that exactly <c>count</c> length-prefixed
    /// frames fill the rest. On success <paramref name="frames"/> is the frames part (walk it with
    /// <see cref="TryNextFrame"/>); otherwise <paramref name="error"/> says what is wrong.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> nodeName, out long sequence, out int count, out ReadOnlySpan<byte> frames, out string? error)
    {
        nodeName = default;
        sequence = 0;
        count = 0;
        frames = default;
        if (message.Length < HeaderBytes(1))
        {
            error = $"{message.Length} bytes is shorter than a header";
            return false;
        }

        if (message[0] != Magic0 || message[1] != Magic1)
        {
            error = "not a relay message (bad magic)";
            return false;
        }

        if (message[2] != Version)
        {
            error = $"unsupported version {message[2]} (this node reads version {Version})";
            return false;
        }

        int nameLength = message[3];
        if (nameLength is < 1 or > ClusterOptionsValidator.MaxNodeNameLength || message.Length < HeaderBytes(nameLength))
        {
            error = $"bad node name length {nameLength}";
            return false;
        }

        nodeName = message.Slice(4, nameLength);
        foreach (var c in nodeName)
        {
            if (!(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'.' or (byte)'_' or (byte)'-'))
            {
                error = "bad node name";
                return false;
            }
        }

        var at = 4 + nameLength;
        sequence = BinaryPrimitives.ReadInt64LittleEndian(message[at..]);
        count = BinaryPrimitives.ReadInt32LittleEndian(message[(at + 8)..]);
        frames = message[(at + 12)..];
        if (count < 0 || count > frames.Length / FramePrefixBytes)
        {
            error = $"frame count {count} does not fit in {frames.Length} bytes";
            return false;
        }

        var rest = frames;
        for (var i = 0; i < count; i++)
        {
            if (!TryNextFrame(ref rest, out _))
            {
                error = $"frame {i + 1} of {count} runs past the end of the message";
                return false;
            }
        }

        if (!rest.IsEmpty)
        {
            error = $"{rest.Length} bytes after the last of {count} frames";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Takes the next length-prefixed frame off <paramref name="frames"/>; false when it does not fit.</summary>
    public static bool TryNextFrame(ref ReadOnlySpan<byte> frames, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (frames.Length < FramePrefixBytes)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(frames);
        if (length < 0 || length > frames.Length - FramePrefixBytes)
        {
            return false;
        }

        payload = frames.Slice(FramePrefixBytes, length);
        frames = frames[(FramePrefixBytes + length)..];
        return true;
    }
}
