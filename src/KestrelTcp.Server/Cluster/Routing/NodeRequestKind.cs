namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>What one node asks another to do.</summary>
public enum NodeRequestKind
{
    /// <summary>Send a payload to some of its sessions.</summary>
    Send,

    /// <summary>Send a payload to every session of one of its listeners.</summary>
    Broadcast,

    /// <summary>Disconnect some of its sessions.</summary>
    Kick,

    /// <summary>One of its sessions, fresh.</summary>
    GetSession,

    /// <summary>One of its sessions' recent frames.</summary>
    GetMessages,

    /// <summary>The newest rows of its audit log.</summary>
    ReadAudit,

    /// <summary>Start its drain (<c>POST /api/nodes/{name}/drain</c> taken by another node).</summary>
    Drain,
}
