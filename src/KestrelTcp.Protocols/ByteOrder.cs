namespace KestrelTcp.Protocols;

/// <summary>Byte order of a length field.</summary>
public enum ByteOrder
{
    /// <summary>Most significant byte first (network order).</summary>
    BigEndian,

    /// <summary>Least significant byte first.</summary>
    LittleEndian,
}
