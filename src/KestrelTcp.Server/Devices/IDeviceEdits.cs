namespace KestrelTcp.Server.Devices;

/// <summary>
/// Where an operator's edit of a device goes besides this node's registry: in a cluster, to every other
/// node's (<see cref="Cluster.ClusterDeviceEdits"/>); on a single node, nowhere (<see cref="LocalDeviceEdits"/>).
/// Called after the edit is written here; returns at once.
/// </summary>
internal interface IDeviceEdits
{
    /// <summary>The device's alias, tags and notes are now those of <paramref name="device"/>.</summary>
    void Updated(DeviceInfo device);

    /// <summary>The device was forgotten.</summary>
    void Forgotten(string deviceId);
}
