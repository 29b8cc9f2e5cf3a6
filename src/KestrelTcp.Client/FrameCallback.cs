using System.Buffers;

namespace KestrelTcp.Client;

/// <summary>
/// A low-level receive callback (see <see cref="KestrelTcpClientOptions.OnFrame"/>): called on the receive
/// loop for every frame, without copying it. <paramref name="frame"/> is valid only during the call.
/// </summary>
/// <param name="frame">The frame's payload, a slice of the receive buffer.</param>
public delegate void FrameCallback(in ReadOnlySequence<byte> frame);
