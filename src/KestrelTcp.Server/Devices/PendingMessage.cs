namespace KestrelTcp.Server.Devices;

/// <summary>A message waiting for an offline device.</summary>
/// <param name="Id">Its id (for <c>DELETE /api/devices/{id}/pending/{pendingId}</c>); ids grow in the order messages were queued.</param>
/// <param name="QueuedAt">When it was queued.</param>
/// <param name="ExpiresAt">When it is dropped if the device has not come back.</param>
/// <param name="Bytes">Payload size in bytes.</param>
/// <param name="Actor">Who queued it.</param>
/// <param name="Text">The payload as UTF-8 (invalid sequences replaced).</param>
/// <param name="Hex">The payload in hex.</param>
public sealed record PendingMessage(long Id, DateTimeOffset QueuedAt, DateTimeOffset ExpiresAt, int Bytes, string? Actor, string Text, string Hex);
