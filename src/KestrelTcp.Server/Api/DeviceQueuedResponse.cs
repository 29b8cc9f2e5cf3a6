using KestrelTcp.Server.Devices;

namespace KestrelTcp.Server.Api;

/// <summary>A message queued for an offline device (202).</summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Queued">The message, with its id and expiry.</param>
/// <param name="Pending">How many messages now wait for the device.</param>
public sealed record DeviceQueuedResponse(string DeviceId, PendingMessage Queued, int Pending);
