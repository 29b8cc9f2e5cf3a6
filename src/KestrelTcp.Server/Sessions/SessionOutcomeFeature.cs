namespace KestrelTcp.Server.Sessions;

/// <summary>Set by the session handler when a session ends, so the listener's middleware learns how it closed.</summary>
internal sealed class SessionOutcomeFeature
{
    public CloseReason? CloseReason { get; set; }
}
