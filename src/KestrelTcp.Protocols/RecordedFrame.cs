namespace KestrelTcp.Protocols;

/// <summary>One frame of a recording.</summary>
/// <param name="Milliseconds">When, in milliseconds since the recording started.</param>
/// <param name="Inbound">True for a frame the device sent to the server (<c>"dir":"in"</c>), false for one the server sent (<c>"out"</c>).</param>
/// <param name="Payload">The payload, without its framing.</param>
public sealed record RecordedFrame(double Milliseconds, bool Inbound, byte[] Payload);
