using System.Buffers.Binary;
using System.Net;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

public sealed class ProxyProtocolReaderTests
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static TheoryData<string> Feeds() => ProxyHeaderFeed.Names();

    [Theory]
    [MemberData(nameof(Feeds))]
    public void V1Tcp4HeaderGivesTheClientAndLeavesTheFirstFrame(string feed)
    {
        var stream = Bytes.Ascii("PROXY TCP4 192.0.2.10 198.51.100.1 56324 9000\r\nhello\n");

        var (header, rest) = ProxyHeaderFeed.Parse(feed, stream);

        Assert.NotNull(header);
        Assert.Equal(1, header.Version);
        Assert.Equal(ProxyProtocolCommand.Proxy, header.Command);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 56324), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 9000), header.Destination);
        Assert.Equal(stream.Length - 6, header.Length);
        Assert.Equal("hello\n", Bytes.Text(rest));
    }

    [Theory]
    [MemberData(nameof(Feeds))]
    public void V1Tcp6HeaderOfTheLongestFormIsAccepted(string feed)
    {
        const string Address = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        var line = $"PROXY TCP6 {Address} {Address} 65535 65535\r\n";
        var stream = Bytes.Ascii(line + "x");

        var (header, rest) = ProxyHeaderFeed.Parse(feed, stream);

        Assert.Equal(104, line.Length);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(Address), 65535), header!.Source);
        Assert.Equal("x", Bytes.Text(rest));
    }

    [Theory]
    [MemberData(nameof(Feeds))]
    public void V1UnknownKeepsTheConnectionsAddressAndIgnoresTheRestOfTheLine(string feed)
    {
        var (header, rest) = ProxyHeaderFeed.Parse(feed, Bytes.Ascii("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\nPROXY"));

        Assert.Null(header!.Source);
        Assert.Equal(ProxyProtocolCommand.Proxy, header.Command);
        Assert.Equal("PROXY", Bytes.Text(rest));
    }

    [Theory]
    [MemberData(nameof(Feeds))]
    public void V2ProxyOverIPv4GivesTheClientSkipsTlvsAndLeavesTheFirstFrame(string feed)
    {
        // A TLV (PP2_TYPE_UNIQUE_ID, 5 bytes) after the addresses: skipped, and the frame after it kept.
        var tlv = Bytes.Concat([0x05, 0x00, 0x05], Bytes.Ascii("abcde"));
        var stream = Bytes.Concat(V2(0x21, 0x11, Bytes.Concat(IPv4Block("203.0.113.7", "10.0.0.1", 40000, 9000), tlv)), Bytes.Ascii("frame\n"));

        var (header, rest) = ProxyHeaderFeed.Parse(feed, stream);

        Assert.Equal(2, header!.Version);
        Assert.Equal(ProxyProtocolCommand.Proxy, header.Command);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 40000), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 9000), header.Destination);
        Assert.Equal(16 + 12 + 8, header.Length);
        Assert.Equal("frame\n", Bytes.Text(rest));
    }

    [Theory]
    [MemberData(nameof(Feeds))]
    public void V2ProxyOverIPv6GivesTheClient(string feed)
    {
        var block = Bytes.Concat(IPAddress.Parse("2001:db8::7").GetAddressBytes(), IPAddress.Parse("2001:db8::1").GetAddressBytes(), Port(1234), Port(9000));

        var (header, rest) = ProxyHeaderFeed.Parse(feed, Bytes.Concat(V2(0x21, 0x21, block), [0x16, 0x03, 0x01]));

        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 1234), header!.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 9000), header.Destination);
        Assert.Equal([0x16, 0x03, 0x01], rest);
    }

    [Theory]
    [InlineData(0x20, 0x11, 12)]  // LOCAL over AF_INET: the addresses are ignored
    [InlineData(0x20, 0x00, 0)]   // LOCAL, AF_UNSPEC, no addresses (a health check)
    [InlineData(0x21, 0x00, 0)]   // PROXY, AF_UNSPEC
    [InlineData(0x21, 0x31, 216)] // PROXY, AF_UNIX: no IP to give
    public void V2HeadersWithoutAnIPAddressKeepTheConnectionsAddress(byte versionCommand, byte family, int length)
    {
        var (header, rest) = ProxyHeaderFeed.Parse("one-byte", Bytes.Concat(V2(versionCommand, family, new byte[length]), Bytes.Ascii("x")));

        Assert.Null(header!.Source);
        Assert.Null(header.Destination);
        Assert.Equal(versionCommand == 0x20 ? ProxyProtocolCommand.Local : ProxyProtocolCommand.Proxy, header.Command);
        Assert.Equal("x", Bytes.Text(rest));
    }

    [Fact]
    public void V2HeaderOfTheMaximumLengthIsAccepted()
    {
        var payload = Bytes.Concat(IPv4Block("1.2.3.4", "5.6.7.8", 1, 2), [0x04, 0x0F, 0xF1], new byte[ProxyProtocolReader.MaxV2PayloadBytes - 15]);

        var (header, rest) = ProxyHeaderFeed.Parse("random-1", V2(0x21, 0x11, payload));

        Assert.Equal(ProxyProtocolReader.MaxHeaderBytes, header!.Length);
        Assert.Empty(rest);
    }

    [Theory]
    [MemberData(nameof(Feeds))]
    public void AnIncompleteHeaderWaitsForMore(string feed)
    {
        foreach (var prefix in new[] { "P", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r" })
        {
            Assert.Null(ProxyHeaderFeed.Parse(feed, Bytes.Ascii(prefix)).Header);
        }

        Assert.Null(ProxyHeaderFeed.Parse(feed, V2Signature[..5]).Header);
        Assert.Null(ProxyHeaderFeed.Parse(feed, V2(0x21, 0x11, new byte[12])[..27]).Header);
    }

    public static TheoryData<string, string> MalformedV1() => new()
    {
        { "GET / HTTP/1.1\r\n", "first byte is 'G'" },
        { "PROXX TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "v1 signature is wrong" },
        { "PROXY\r\n", "v1 signature is wrong" },
        { "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", "protocol is 'TCP5'" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "LF without the CR" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "single spaces" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", "single spaces" },
        { "PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n", "single spaces" },
        { "PROXY TCP4\r\n", "single spaces" },
        { "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n", "source address '1.2.3.256' is not an IPv4" },
        { "PROXY TCP4 1.2.3.4 5.6.7 1 2\r\n", "destination address '5.6.7' is not an IPv4" },
        { "PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n", "source address '01.2.3.4'" },
        { "PROXY TCP4 ::1 5.6.7.8 1 2\r\n", "is not an IPv4" },
        { "PROXY TCP6 1.2.3.4 ::1 1 2\r\n", "source address '1.2.3.4' is not an IPv6" },
        { "PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", "is not an IPv6" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", "source port 65536 is out of range" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n", "destination port 99999 is out of range" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", "source port '-1' is not a decimal number" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n", "source port '01'" },
        { "PROXY TCP4 1.2.3.4 5.6.7.8 1 2x\r\n", "destination port '2x'" },
    };

    [Theory]
    [MemberData(nameof(MalformedV1))]
    public void MalformedV1HeadersThrowSayingWhatIsWrong(string text, string expected)
    {
        foreach (var feed in ProxyHeaderFeed.Names())
        {
            var error = Assert.Throws<ProxyProtocolException>(() => ProxyHeaderFeed.Parse(feed, Bytes.Ascii(text + "rest")));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Feeds))]
    public void AV1HeaderWithoutCrlfWithinItsMaximumThrowsWithoutWaitingForMore(string feed)
    {
        // 107 bytes without a line feed: refused then, not after a megabyte.
        var stream = Bytes.Concat(Bytes.Ascii("PROXY UNKNOWN "), Bytes.Repeat((byte)'a', ProxyProtocolReader.MaxV1HeaderBytes - 14 + 1000));

        var error = Assert.Throws<ProxyProtocolException>(() => ProxyHeaderFeed.Parse(feed, stream));

        Assert.Contains("no CRLF within its maximum of 107 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AV1HeaderOf107BytesIsTheLongestAccepted()
    {
        var longest = Bytes.Ascii("PROXY UNKNOWN " + new string('a', ProxyProtocolReader.MaxV1HeaderBytes - 16) + "\r\n");
        var tooLong = Bytes.Ascii("PROXY UNKNOWN " + new string('a', ProxyProtocolReader.MaxV1HeaderBytes - 15) + "\r\n");

        Assert.Equal(107, ProxyHeaderFeed.Parse("whole", longest).Header!.Length);
        Assert.Throws<ProxyProtocolException>(() => ProxyHeaderFeed.Parse("whole", tooLong));
    }

    public static TheoryData<byte[], string> MalformedV2() => new()
    {
        { [.. V2Signature[..7], 0x52, .. V2Signature[8..], 0x21, 0x11, 0x00, 0x0C], "v2 signature is wrong" },
        { V2(0x11, 0x11, new byte[12]), "version is 1, not 2" },
        { V2(0x31, 0x11, new byte[12]), "version is 3, not 2" },
        { V2(0x22, 0x11, new byte[12]), "command is 0x2" },
        { V2(0x21, 0x41, new byte[12]), "address family is 0x4" },
        { V2(0x21, 0x13, new byte[12]), "transport protocol is 0x3" },
        { V2(0x21, 0x11, new byte[11]), "length 11 is too short for its AF_INET addresses, which take 12 bytes" },
        { V2(0x21, 0x21, new byte[12]), "length 12 is too short for its AF_INET6 addresses, which take 36 bytes" },
        { V2(0x21, 0x31, new byte[100]), "too short for its AF_UNIX addresses" },
        { V2(0x21, 0x12, new byte[12]), "DGRAM (UDP) connection, not STREAM (TCP)" },
        { V2(0x21, 0x10, new byte[12]), "UNSPEC connection, not STREAM (TCP)" },
        { [.. V2Signature, 0x21, 0x11, 0x10, 0x01], "declares 4097 bytes of addresses and TLVs, over the maximum of 4096" },
        { [.. V2Signature, 0x21, 0x11, 0xFF, 0xFF], "declares 65535 bytes" },
    };

    [Theory]
    [MemberData(nameof(MalformedV2))]
    public void MalformedV2HeadersThrowSayingWhatIsWrong(byte[] stream, string expected)
    {
        foreach (var feed in ProxyHeaderFeed.Names())
        {
            var error = Assert.Throws<ProxyProtocolException>(() => ProxyHeaderFeed.Parse(feed, stream));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AV2LengthOverTheBoundIsRefusedAsSoonAsTheFixedPartHasArrived()
    {
        // Only the 16 fixed bytes: the declared 60,000 bytes are never waited for.
        byte[] stream = [.. V2Signature, 0x21, 0x11, 0xEA, 0x60];

        Assert.Throws<ProxyProtocolException>(() => ProxyHeaderFeed.Parse("whole", stream));
    }

    [Fact]
    public void BytesFromTheWireAreEscapedInTheMessage()
    {
        var error = Assert.Throws<ProxyProtocolException>(() => ProxyHeaderFeed.Parse("whole", Bytes.Ascii("PROXY TCP\u001b[2J 1 2 3 4\r\n")));

        Assert.Contains("'TCP\\x1B[2J'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', error.Message);
    }

    private static byte[] V2(byte versionCommand, byte family, byte[] payload)
    {
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)payload.Length);
        return [.. V2Signature, versionCommand, family, .. length, .. payload];
    }

    private static byte[] IPv4Block(string source, string destination, int sourcePort, int destinationPort) =>
        Bytes.Concat(IPAddress.Parse(source).GetAddressBytes(), IPAddress.Parse(destination).GetAddressBytes(), Port(sourcePort), Port(destinationPort));

    private static byte[] Port(int port)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)port);
        return bytes;
    }
}
