namespace KestrelTcp.Server.Devices;

/// <summary>A single node: its registry is the only one, so an edit goes nowhere else.</summary>
internal sealed class LocalDeviceEdits : IDeviceEdits
{
    public void Updated(DeviceInfo device)
    {
    }

    public void Forgotten(string deviceId)
    {
    }
}
