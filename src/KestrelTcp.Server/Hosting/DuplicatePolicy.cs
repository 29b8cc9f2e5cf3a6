namespace KestrelTcp.Server.Hosting;

/// <summary>What happens when a session identifies as a device that another live session already is.</summary>
public enum DuplicatePolicy
{
    /// <summary>The newcomer takes over and the old session is closed as <c>Replaced</c> (an MQTT takeover: a
    /// device that reconnects before its old connection timed out is the device). The default.</summary>
    ReplaceOld,

    /// <summary>The newcomer is closed as <c>Duplicate</c> and the old session keeps the device.</summary>
    RejectNew,
}
