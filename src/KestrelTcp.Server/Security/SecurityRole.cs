namespace KestrelTcp.Server.Security;

/// <summary>What a signed-in user or API key may do.</summary>
public enum SecurityRole
{
    /// <summary>Sees everything: listeners, sessions, traffic, the dashboard. The default, being the least.</summary>
    Viewer,

    /// <summary>Everything a viewer can, plus send, broadcast and kick, and reading the audit log.</summary>
    Operator,
}
