using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KestrelTcp.Protocols;

/// <summary>
/// Parses the PROXY protocol header (HAProxy's spec, versions 1 and 2) that a TCP load balancer sends before
/// the client's first byte. Split-safe: it returns false until the whole header has arrived, in any number
/// of reads and segments, and it never waits for more than <see cref="MaxHeaderBytes"/>. It consumes exactly
/// the header, so the bytes after it (the client's first frame, a TLS ClientHello) stay in the buffer.
/// Stateless and thread-safe: use <see cref="Instance"/>.
/// </summary>
/// <remarks>
/// v1 (text): <c>PROXY TCP4|TCP6 &lt;source&gt; &lt;destination&gt; &lt;source port&gt; &lt;destination port&gt;\r\n</c>
/// or <c>PROXY UNKNOWN ...\r\n</c>, at most <see cref="MaxV1HeaderBytes"/> bytes (the spec's maximum).
/// v2 (binary): a 12-byte signature, version and command, family and protocol, a big-endian length, then
/// the addresses and TLVs; the length is bounded by <see cref="MaxV2PayloadBytes"/> and TLVs are skipped.
/// Addresses are taken from <c>TCP4</c>/<c>TCP6</c> (v1) and <c>PROXY</c> over <c>AF_INET</c>/<c>AF_INET6</c>
/// (v2); <c>UNKNOWN</c>, <c>LOCAL</c>, <c>AF_UNSPEC</c> and <c>AF_UNIX</c> give a header without addresses.
/// </remarks>
public sealed class ProxyProtocolReader : IMessageReader<ProxyProtocolHeader>
{
    /// <summary>The longest v1 header, CRLF included: 107 bytes, the spec's bound (a TCP6 line with both
    /// addresses and ports at their longest is 104).</summary>
    public const int MaxV1HeaderBytes = 107;

    /// <summary>The fixed part of a v2 header: signature, version and command, family, length.</summary>
    public const int V2FixedBytes = 16;

    /// <summary>Most bytes of addresses and TLVs a v2 header may declare: 4,096. The addresses take at most
    /// 216 (AF_UNIX); the rest is room for the TLVs balancers add (AWS's VPC endpoint id, SSL details,
    /// a unique id of up to 128 bytes), far more than any sends. A larger declared length is refused at
    /// once, without waiting for it.</summary>
    public const int MaxV2PayloadBytes = 4096;

    /// <summary>The most bytes a header can take, and so the most this reader ever waits holding: 4,112.</summary>
    public const int MaxHeaderBytes = V2FixedBytes + MaxV2PayloadBytes;

    private const int IPv4AddressBlock = 12;
    private const int IPv6AddressBlock = 36;
    private const int UnixAddressBlock = 216;

    /// <summary>The reader; it holds no state.</summary>
    public static ProxyProtocolReader Instance { get; } = new();

    private static ReadOnlySpan<byte> V1Signature => "PROXY "u8;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <inheritdoc />
    /// <exception cref="ProxyProtocolException">The bytes are not a well-formed PROXY header; the message says what is wrong.</exception>
    public bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ProxyProtocolHeader message)
    {
        message = null!;
        if (input.IsEmpty)
        {
            examined = input.End;
            return false;
        }

        Span<byte> start = stackalloc byte[V2FixedBytes];
        var startLength = (int)Math.Min(input.Length, V2FixedBytes);
        input.Slice(0, startLength).CopyTo(start);
        start = start[..startLength];

        ProxyProtocolHeader? header;
        if (start[0] == V1Signature[0])
        {
            CheckSignature(start, V1Signature, 1);
            header = TryParseV1(input);
        }
        else if (start[0] == V2Signature[0])
        {
            CheckSignature(start, V2Signature, 2);
            header = TryParseV2(input, start);
        }
        else
        {
            throw new ProxyProtocolException($"The connection does not start with a PROXY protocol header: its first byte is {Describe(start[..1])}, not 'P' (v1) or 0x0D (v2).");
        }

        if (header is null)
        {
            examined = input.End;
            return false;
        }

        consumed = input.GetPosition(header.Length);
        examined = consumed;
        message = header;
        return true;
    }

    private static void CheckSignature(ReadOnlySpan<byte> start, ReadOnlySpan<byte> signature, int version)
    {
        // Up to the first wrong byte only, so the message is the same however the bytes arrived.
        var length = Math.Min(start.Length, signature.Length);
        var wrong = start[..length].CommonPrefixLength(signature);
        if (wrong < length)
        {
            throw new ProxyProtocolException($"The PROXY v{version} signature is wrong: the connection starts with {Describe(start[..(wrong + 1)])}, not {Describe(signature[..(wrong + 1)])}.");
        }
    }

    private static ProxyProtocolHeader? TryParseV1(in ReadOnlySequence<byte> input)
    {
        var window = input.Slice(0, Math.Min(input.Length, MaxV1HeaderBytes));
        var reader = new SequenceReader<byte>(window);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> found, (byte)'\n', advancePastDelimiter: true))
        {
            if (window.Length >= MaxV1HeaderBytes)
            {
                throw new ProxyProtocolException($"The PROXY v1 header has no CRLF within its maximum of {MaxV1HeaderBytes} bytes.");
            }

            return null;
        }

        Span<byte> line = stackalloc byte[MaxV1HeaderBytes];
        var length = (int)found.Length;
        found.CopyTo(line);
        line = line[..length];
        if (length == 0 || line[^1] != (byte)'\r')
        {
            throw new ProxyProtocolException("The PROXY v1 header line ends with LF without the CR before it (it must end with CRLF).");
        }

        return ParseV1Line(line[V1Signature.Length..^1], length + 1);
    }

    private static ProxyProtocolHeader ParseV1Line(ReadOnlySpan<byte> rest, int headerLength)
    {
        var space = rest.IndexOf((byte)' ');
        var protocol = space < 0 ? rest : rest[..space];
        if (protocol.SequenceEqual("UNKNOWN"u8))
        {
            // The spec: whatever follows UNKNOWN up to the CRLF is ignored, and the connection's own addresses stand.
            return new ProxyProtocolHeader(1, ProxyProtocolCommand.Proxy, null, null, headerLength);
        }

        AddressFamily family;
        if (protocol.SequenceEqual("TCP4"u8))
        {
            family = AddressFamily.InterNetwork;
        }
        else if (protocol.SequenceEqual("TCP6"u8))
        {
            family = AddressFamily.InterNetworkV6;
        }
        else
        {
            throw new ProxyProtocolException($"The PROXY v1 header's protocol is {Describe(protocol)}, not TCP4, TCP6 or UNKNOWN.");
        }

        var name = family == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
        Span<Range> fields = stackalloc Range[4];
        var extra = false;
        var fieldCount = space < 0 ? 0 : SplitFields(rest[(space + 1)..], fields, out extra);
        if (fieldCount != 4 || extra)
        {
            throw new ProxyProtocolException($"The PROXY v1 header must read 'PROXY {name} <source address> <destination address> <source port> <destination port>' with single spaces (was {Describe(rest)}).");
        }

        var values = rest[(space + 1)..];
        var source = ParseAddress(values[fields[0]], family, "source address");
        var destination = ParseAddress(values[fields[1]], family, "destination address");
        var sourcePort = ParsePort(values[fields[2]], "source port");
        var destinationPort = ParsePort(values[fields[3]], "destination port");
        return new ProxyProtocolHeader(1, ProxyProtocolCommand.Proxy, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), headerLength);
    }

    /// <summary>Splits on single spaces into at most <paramref name="fields"/>.Length non-empty fields;
    /// returns how many, or -1 when a field is empty (two spaces, a leading or trailing space).</summary>
    private static int SplitFields(ReadOnlySpan<byte> text, Span<Range> fields, out bool extra)
    {
        extra = false;
        var count = 0;
        var at = 0;
        while (true)
        {
            var space = text[at..].IndexOf((byte)' ');
            var end = space < 0 ? text.Length : at + space;
            if (end == at)
            {
                return -1;
            }

            if (count == fields.Length)
            {
                extra = true;
                return count;
            }

            fields[count++] = at..end;
            if (space < 0)
            {
                return count;
            }

            at = end + 1;
        }
    }

    private static IPAddress ParseAddress(ReadOnlySpan<byte> text, AddressFamily family, string what)
    {
        var address = family == AddressFamily.InterNetwork ? ParseIPv4(text) : ParseIPv6(text);
        return address ?? throw new ProxyProtocolException(
            $"The PROXY v1 header's {what} {Describe(text)} is not an {(family == AddressFamily.InterNetwork ? "IPv4 address (a.b.c.d)" : "IPv6 address")}.");
    }

    /// <summary>Four decimal numbers of 0 to 255 without leading zeros, as inet_pton reads them.</summary>
    private static IPAddress? ParseIPv4(ReadOnlySpan<byte> text)
    {
        Span<byte> bytes = stackalloc byte[4];
        var part = 0;
        var value = 0;
        var digits = 0;
        foreach (var c in text)
        {
            if (c == (byte)'.')
            {
                if (digits == 0 || part == 3)
                {
                    return null;
                }

                bytes[part++] = (byte)value;
                value = 0;
                digits = 0;
                continue;
            }

            if (c is < (byte)'0' or > (byte)'9' || (digits == 1 && value == 0))
            {
                return null;
            }

            value = (value * 10) + (c - '0');
            if (++digits > 3 || value > 255)
            {
                return null;
            }
        }

        if (digits == 0 || part != 3)
        {
            return null;
        }

        bytes[3] = (byte)value;
        return new IPAddress(bytes);
    }

    private static IPAddress? ParseIPv6(ReadOnlySpan<byte> text)
    {
        // At most 45 characters (an IPv4 suffix); only hex digits, colons and dots: no scope, no brackets.
        if (text.Length is 0 or > 45)
        {
            return null;
        }

        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = (char)text[i];
            if (!(char.IsAsciiHexDigit(c) || c is ':' or '.'))
            {
                return null;
            }

            chars[i] = c;
        }

        return IPAddress.TryParse(chars, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? address : null;
    }

    private static int ParsePort(ReadOnlySpan<byte> text, string what)
    {
        if (text.Length is 0 or > 5 || (text.Length > 1 && text[0] == (byte)'0') || text.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            throw new ProxyProtocolException($"The PROXY v1 header's {what} {Describe(text)} is not a decimal number of 0 to 65535.");
        }

        var port = 0;
        foreach (var c in text)
        {
            port = (port * 10) + (c - '0');
        }

        return port <= IPEndPoint.MaxPort
            ? port
            : throw new ProxyProtocolException($"The PROXY v1 header's {what} {port} is out of range (0 to 65535).");
    }

    private static ProxyProtocolHeader? TryParseV2(in ReadOnlySequence<byte> input, ReadOnlySpan<byte> start)
    {
        if (start.Length < V2FixedBytes)
        {
            return null;
        }

        var version = start[12] >> 4;
        if (version != 2)
        {
            throw new ProxyProtocolException($"The PROXY v2 header's version is {version}, not 2.");
        }

        var command = (start[12] & 0x0F) switch
        {
            0 => ProxyProtocolCommand.Local,
            1 => ProxyProtocolCommand.Proxy,
            var other => throw new ProxyProtocolException($"The PROXY v2 header's command is 0x{other:X}, not LOCAL (0x0) or PROXY (0x1)."),
        };

        var family = start[13] >> 4;
        var transport = start[13] & 0x0F;
        if (family > 3)
        {
            throw new ProxyProtocolException($"The PROXY v2 header's address family is 0x{family:X}, not AF_UNSPEC (0x0), AF_INET (0x1), AF_INET6 (0x2) or AF_UNIX (0x3).");
        }

        if (transport > 2)
        {
            throw new ProxyProtocolException($"The PROXY v2 header's transport protocol is 0x{transport:X}, not UNSPEC (0x0), STREAM (0x1) or DGRAM (0x2).");
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(start[14..]);
        if (length > MaxV2PayloadBytes)
        {
            throw new ProxyProtocolException($"The PROXY v2 header declares {length} bytes of addresses and TLVs, over the maximum of {MaxV2PayloadBytes}.");
        }

        var total = V2FixedBytes + length;
        if (input.Length < total)
        {
            return null;
        }

        if (command == ProxyProtocolCommand.Local)
        {
            // A LOCAL header's addresses, if any, are ignored: the proxy speaks for itself.
            return new ProxyProtocolHeader(2, command, null, null, total);
        }

        var needed = family switch { 1 => IPv4AddressBlock, 2 => IPv6AddressBlock, 3 => UnixAddressBlock, _ => 0 };
        if (length < needed)
        {
            var name = family switch { 1 => "AF_INET", 2 => "AF_INET6", _ => "AF_UNIX" };
            throw new ProxyProtocolException($"The PROXY v2 header's length {length} is too short for its {name} addresses, which take {needed} bytes.");
        }

        if (family is 0 or 3)
        {
            // AF_UNSPEC or AF_UNIX: no IP address to give; the connection's own address stands.
            return new ProxyProtocolHeader(2, command, null, null, total);
        }

        if (transport != 1)
        {
            throw new ProxyProtocolException($"The PROXY v2 header describes a {(transport == 2 ? "DGRAM (UDP)" : "UNSPEC")} connection, not STREAM (TCP).");
        }

        Span<byte> block = stackalloc byte[IPv6AddressBlock];
        block = block[..needed];
        input.Slice(V2FixedBytes, needed).CopyTo(block);
        var size = family == 1 ? 4 : 16;
        var source = new IPAddress(block[..size]);
        var destination = new IPAddress(block.Slice(size, size));
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(block[(2 * size)..]);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(block[((2 * size) + 2)..]);
        return new ProxyProtocolHeader(2, command, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), total);
    }

    /// <summary>Bytes from the wire for a message: printable ASCII as it is, the rest as \xNN, at most 48 bytes.</summary>
    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder("'");
        foreach (var b in bytes.Length > 48 ? bytes[..48] : bytes)
        {
            if (b is >= 0x20 and < 0x7F && b != (byte)'\'' && b != (byte)'\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }

        return text.Append(bytes.Length > 48 ? "'..." : "'").ToString();
    }
}
