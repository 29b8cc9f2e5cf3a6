namespace KestrelTcp.Server.Sessions;

/// <summary>Why a session ended. Recorded for every closed session, shown and counted.</summary>
public enum CloseReason
{
    /// <summary>The client closed its side of the connection.</summary>
    ClientClosed,

    /// <summary>The connection was reset or broke.</summary>
    ConnectionReset,

    /// <summary>Nothing was received or sent for longer than the listener's idle timeout.</summary>
    IdleTimeout,

    /// <summary>An operator disconnected the client.</summary>
    Kicked,

    /// <summary>The client sent a frame over the listener's maximum frame size.</summary>
    FrameTooLarge,

    /// <summary>The client broke the framing rules (bad length, truncated frame).</summary>
    InvalidFrame,

    /// <summary>The client did not read fast enough and its outbound queue went over the limit.</summary>
    SlowConsumer,

    /// <summary>The listener was at its connection limit.</summary>
    ConnectionLimit,

    /// <summary>The server shut down.</summary>
    ServerShutdown,

    /// <summary>An unexpected error; the detail and the log say which.</summary>
    Error,

    /// <summary>Admission control refused the connection: the detail says why (per-address limit, rate,
    /// denied by CIDR, banned).</summary>
    Refused,

    /// <summary>The node was drained by an operator: the device should reconnect, through the balancer, to another node.</summary>
    Drained,

    /// <summary>The listener expects a PROXY protocol header (<c>ProxyProtocol</c>) and the connection's was
    /// missing, malformed, incomplete when it closed, or late: the detail says which.</summary>
    ProxyHeader,

    /// <summary>The listener requires identification (<c>Identify:Required</c>) and the session's first frames
    /// did not say which device it is, or it did not within <c>Identify:Timeout</c>.</summary>
    Unidentified,

    /// <summary>The same device connected again in a new session, which took over (<c>Identify:OnDuplicate</c> = ReplaceOld).</summary>
    Replaced,

    /// <summary>The session identified as a device another live session already is, and the listener keeps
    /// the old one (<c>Identify:OnDuplicate</c> = RejectNew).</summary>
    Duplicate,
}
