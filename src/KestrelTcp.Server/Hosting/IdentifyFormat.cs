namespace KestrelTcp.Server.Hosting;

/// <summary>How the bytes at <see cref="IdentifyOptions.Offset"/> become a device id.</summary>
public enum IdentifyFormat
{
    /// <summary>Upper-case hexadecimal, two digits a byte (an IMEI in BCD, a MAC address, a serial in binary).</summary>
    Hex,

    /// <summary>The bytes as printable ASCII (0x20-0x7E); a frame with any other byte there does not identify.</summary>
    Ascii,
}
