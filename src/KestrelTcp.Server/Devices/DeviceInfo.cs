namespace KestrelTcp.Server.Devices;

/// <summary>A device as the registry keeps it, online or not.</summary>
/// <param name="Id">The device id (from its first frames, or named by an operator): untrusted text.</param>
/// <param name="Listener">The listener it last came through.</param>
/// <param name="Alias">An operator's name for it, if any.</param>
/// <param name="Tags">An operator's tags, for commands by tag and filtering.</param>
/// <param name="Notes">An operator's notes, if any.</param>
/// <param name="FirstSeenAt">When it first identified.</param>
/// <param name="LastSeenAt">When it last identified or went offline.</param>
/// <param name="LastRemoteEndPoint">The address and port it last connected from.</param>
/// <param name="SessionCount">How many sessions it has had.</param>
/// <param name="Online">Whether a session is the device now.</param>
/// <param name="SessionId">Its live session, while online.</param>
/// <param name="Node">The node its live session is on (or was last on).</param>
/// <param name="Pending">Messages waiting for it (see <c>GET /api/devices/{id}/pending</c>).</param>
public sealed record DeviceInfo(
    string Id,
    string? Listener,
    string? Alias,
    IReadOnlyList<string> Tags,
    string? Notes,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    string? LastRemoteEndPoint,
    long SessionCount,
    bool Online,
    string? SessionId,
    string? Node,
    int Pending = 0);
