namespace KestrelTcp.Server.Cluster;

/// <summary>A node's state in the cluster view.</summary>
public enum NodeState
{
    /// <summary>Heartbeating and taking devices.</summary>
    Up,

    /// <summary>Heartbeating, but draining: <c>/readyz</c> answers 503 and its sessions are being closed.</summary>
    Draining,

    /// <summary>No heartbeat within the node timeout: its sessions have left the view.</summary>
    Down,
}
