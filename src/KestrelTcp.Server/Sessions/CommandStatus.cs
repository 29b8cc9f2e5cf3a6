namespace KestrelTcp.Server.Sessions;

/// <summary>How an operator command ended.</summary>
public enum CommandStatus
{
    /// <summary>Done (queued for sending, or the kick was started).</summary>
    Ok,

    /// <summary>The request was malformed; nothing was done.</summary>
    Invalid,

    /// <summary>A session or listener does not exist; nothing was done.</summary>
    NotFound,

    /// <summary>The caller lacks the Operator role; nothing was done (the attempt is in the audit log).</summary>
    Forbidden,
}
