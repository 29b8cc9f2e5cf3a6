using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices;

/// <summary>One coming or going of a device, taken from the session when it happened.</summary>
/// <param name="Kind">Online or offline.</param>
/// <param name="DeviceId">The device.</param>
/// <param name="Session">The session concerned (held for the delivery of pending messages).</param>
/// <param name="AtMs">When, in Unix milliseconds.</param>
internal readonly record struct DeviceEvent(DeviceEventKind Kind, string DeviceId, Session Session, long AtMs);
