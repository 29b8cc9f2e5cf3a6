namespace KestrelTcp.Server.Sessions;

/// <summary>What became of a session's claim to a device id.</summary>
internal enum DeviceClaim
{
    /// <summary>No other live session was the device: the session is it now.</summary>
    Claimed,

    /// <summary>Another live session was the device and gave it up (it is being closed as <c>Replaced</c>).</summary>
    ReplacedOld,

    /// <summary>Another live session is the device and keeps it; the claiming session is not the device.</summary>
    Duplicate,
}
