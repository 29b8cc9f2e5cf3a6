namespace KestrelTcp.Server.Sessions;

/// <summary>Which way a frame went, seen from the server.</summary>
public enum FrameDirection
{
    /// <summary>Received from the client.</summary>
    In,

    /// <summary>Sent to the client.</summary>
    Out,
}
