using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices.History;

/// <summary>A frame waiting for the history writer: what was kept of its payload and where it came from.</summary>
/// <param name="DeviceId">The device (an untrusted string, only ever bound as an SQL parameter).</param>
/// <param name="SessionId">The session it went through.</param>
/// <param name="Listener">The session's listener.</param>
/// <param name="Direction">Which way it went.</param>
/// <param name="AtTicks">When, in UTC ticks.</param>
/// <param name="Length">Its real length; <paramref name="Payload"/> may be shorter (cut to <c>MaxFrameBytes</c>).</param>
/// <param name="Payload">The bytes kept.</param>
internal readonly record struct ArchivedFrame(string DeviceId, string SessionId, string Listener, FrameDirection Direction, long AtTicks, int Length, byte[] Payload);
