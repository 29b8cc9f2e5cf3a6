using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KestrelTcp.Server.Tests.Helpers;

/// <summary>PROXY protocol headers as a balancer writes them, for tests that play the balancer.</summary>
internal static class ProxyHeaders
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>A v1 line: <c>PROXY TCP4|TCP6 source destination sport dport\r\n</c>.</summary>
    public static byte[] V1(IPEndPoint client, IPEndPoint destination)
    {
        var family = client.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
        return Encoding.ASCII.GetBytes($"PROXY {family} {client.Address} {destination.Address} {client.Port} {destination.Port}\r\n");
    }

    /// <summary>A v2 PROXY header over TCP with the client's and destination's addresses (of one family) and a TLV.</summary>
    public static byte[] V2(IPEndPoint client, IPEndPoint destination)
    {
        var v4 = client.AddressFamily == AddressFamily.InterNetwork;
        byte[] tlv = [0x05, 0x00, 0x04, (byte)'u', (byte)'n', (byte)'i', (byte)'q'];
        var addresses = client.Address.GetAddressBytes().Concat(destination.Address.GetAddressBytes()).ToArray();
        var length = addresses.Length + 4 + tlv.Length;
        var header = new byte[16 + length];
        V2Signature.CopyTo(header, 0);
        header[12] = 0x21;
        header[13] = v4 ? (byte)0x11 : (byte)0x21;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)length);
        addresses.CopyTo(header, 16);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16 + addresses.Length), (ushort)client.Port);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(18 + addresses.Length), (ushort)destination.Port);
        tlv.CopyTo(header, 20 + addresses.Length);
        return header;
    }

    public static byte[] Then(this byte[] header, string text) => [.. header, .. Encoding.ASCII.GetBytes(text)];
}
