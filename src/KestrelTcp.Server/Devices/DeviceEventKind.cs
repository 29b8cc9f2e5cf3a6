namespace KestrelTcp.Server.Devices;

/// <summary>What happened to a device, for the registry's writer.</summary>
internal enum DeviceEventKind
{
    /// <summary>A session became the device.</summary>
    Online,

    /// <summary>A session stopped being the device.</summary>
    Offline,
}
