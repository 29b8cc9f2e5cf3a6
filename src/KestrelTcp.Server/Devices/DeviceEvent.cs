using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices;

/// <summary>One coming or going of a device, taken from the session when it happened: a session of this
/// node (<paramref name="Session"/>), or in a cluster one of another node (<paramref name="Remote"/>, from the
/// cluster view).</summary>
/// <param name="Kind">Online or offline.</param>
/// <param name="DeviceId">The device.</param>
/// <param name="Session">This node's session concerned (held for the delivery of pending messages); null for another node's.</param>
/// <param name="AtMs">When, in Unix milliseconds.</param>
/// <param name="Remote">Another node's session, as the cluster view has it (its id, listener, peer and node); null for this node's.</param>
internal readonly record struct DeviceEvent(DeviceEventKind Kind, string DeviceId, Session? Session, long AtMs, SessionInfo? Remote = null)
{
    /// <summary>The session's id, wherever it is.</summary>
    public string SessionId => Session?.Id ?? Remote!.Id;

    /// <summary>The session's listener.</summary>
    public string? Listener => Session?.Listener.Name ?? Remote?.Listener;

    /// <summary>The session's peer address.</summary>
    public string? RemoteEndPoint => Session?.RemoteEndPointText ?? Remote?.RemoteEndPoint;
}
