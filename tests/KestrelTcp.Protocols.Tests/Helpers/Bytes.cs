using System.Buffers;
using System.Text;

namespace KestrelTcp.Protocols.Tests.Helpers;

internal static class Bytes
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Repeat(byte value, int count) => Enumerable.Repeat(value, count).ToArray();

    /// <summary>Distinct, recognisable bytes (0, 1, 2, ... wrapping) that contain no LF or CR.</summary>
    public static byte[] Pattern(int count, int start = 0) =>
        Enumerable.Range(start, count).Select(i => (byte)('a' + (i % 26))).ToArray();

    /// <summary>Encodes each payload with <paramref name="codec"/> into one stream.</summary>
    public static byte[] Encode(FrameCodec codec, IEnumerable<byte[]> payloads)
    {
        var writer = new ArrayBufferWriter<byte>();
        foreach (var payload in payloads)
        {
            codec.WriteMessage(payload, writer);
        }

        return writer.WrittenSpan.ToArray();
    }

    public static byte[] Encode(FrameCodec codec, params string[] payloads) =>
        Encode(codec, payloads.Select(Ascii));
}
