using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace KestrelTcp.Server.Admission;

/// <summary>An IPv4 or IPv6 CIDR range. IPv4-mapped IPv6 addresses (<c>::ffff:a.b.c.d</c>) are treated as IPv4,
/// both in ranges and in the addresses tested.</summary>
internal sealed class CidrRange
{
    private readonly IPNetwork _network;

    private CidrRange(IPNetwork network) => _network = network;

    public override string ToString() => _network.ToString();

    public static bool TryParse(string? text, [NotNullWhen(true)] out CidrRange? range)
    {
        range = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText.Trim(), out var address))
        {
            return false;
        }

        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > max))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            if (prefix < 96)
            {
                return false;
            }

            address = address.MapToIPv4();
            prefix -= 96;
        }

        // IPNetwork wants the host bits clear; clear them rather than refuse "10.1.2.3/8".
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        range = new CidrRange(new IPNetwork(new IPAddress(bytes), prefix));
        return true;
    }

    public bool Contains(IPAddress address) => _network.Contains(Normalize(address));

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
