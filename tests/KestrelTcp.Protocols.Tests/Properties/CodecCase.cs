namespace KestrelTcp.Protocols.Tests.Properties;

/// <summary>A generated codec configuration; the description is what CsCheck prints for a failing case.</summary>
/// <param name="Description">The configuration, for example <c>LengthPrefixed(2, LittleEndian, offset 1, adjustment -3, includes header, max 40)</c>.</param>
/// <param name="Codec">The codec.</param>
public sealed record CodecCase(string Description, FrameCodec Codec)
{
    public override string ToString() => Description;
}
