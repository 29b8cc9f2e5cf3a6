namespace KestrelTcp.Server.Api;

/// <summary>What <c>DELETE /api/devices/{id}/pending</c> cancelled.</summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Cancelled">Messages cancelled.</param>
/// <param name="Pending">Messages still waiting.</param>
public sealed record PendingCancelled(string DeviceId, int Cancelled, int Pending);
