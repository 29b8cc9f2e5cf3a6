namespace KestrelTcp.Server.Api;

/// <summary>The registry's counters, with every page of <c>GET /api/devices</c>.</summary>
/// <param name="Devices">Devices kept.</param>
/// <param name="MaxDevices">Most devices kept (<c>KestrelTcp:Devices:MaxDevices</c>).</param>
/// <param name="Refused">Devices not registered because the registry was full, since start.</param>
/// <param name="DroppedEvents">Device comings and goings dropped because the writer was behind, since start.</param>
/// <param name="PendingBytes">Payload bytes waiting for offline devices.</param>
/// <param name="PendingDelivered">Pending messages delivered since start.</param>
/// <param name="PendingExpired">Pending messages dropped at their expiry since start.</param>
public sealed record DeviceRegistryStatus(long Devices, int MaxDevices, long Refused, long DroppedEvents, long PendingBytes, long PendingDelivered, long PendingExpired);
