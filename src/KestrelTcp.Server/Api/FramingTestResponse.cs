using KestrelTcp.Protocols;

namespace KestrelTcp.Server.Api;

/// <summary>What a framing made of the input.</summary>
/// <param name="Framing">The framing used (a listener's when one was named).</param>
/// <param name="Description">The framing in short, for example <c>LengthPrefixed(2, BigEndian)</c>.</param>
/// <param name="InputBytes">Bytes of input.</param>
/// <param name="Reads">Reads the input was fed in.</param>
/// <param name="FrameCount">Frames decoded (all of them, also those left out of <paramref name="Frames"/>).</param>
/// <param name="Frames">The frames, at most <see cref="FramingLab.MaxFrames"/>.</param>
/// <param name="Truncated">Whether frames were left out of <paramref name="Frames"/>.</param>
/// <param name="Error">The error that stopped decoding; null when none.</param>
/// <param name="ConsumedBytes">Bytes that went into frames.</param>
/// <param name="RemainderBytes">Bytes left after the last frame: buffered, waiting for more (or, after an error, not decoded).</param>
/// <param name="RemainderHex">Those bytes as hexadecimal.</param>
public sealed record FramingTestResponse(
    FramingOptions Framing,
    string Description,
    int InputBytes,
    int Reads,
    int FrameCount,
    LabFrame[] Frames,
    bool Truncated,
    LabError? Error,
    long ConsumedBytes,
    long RemainderBytes,
    string RemainderHex);
