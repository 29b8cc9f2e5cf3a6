namespace KestrelTcp.Server.Sessions;

/// <summary>Several <see cref="IDeviceObserver"/>s (the device registry, webhooks) told in turn.</summary>
internal sealed class DeviceObservers(IDeviceObserver[] observers) : IDeviceObserver
{
    /// <summary>The one observer, a combination of several, or null for none.</summary>
    public static IDeviceObserver? Combine(IEnumerable<IDeviceObserver> observers)
    {
        var all = observers.ToArray();
        return all.Length switch
        {
            0 => null,
            1 => all[0],
            _ => new DeviceObservers(all),
        };
    }

    public void Online(Session session, string deviceId)
    {
        foreach (var observer in observers)
        {
            observer.Online(session, deviceId);
        }
    }

    public void Offline(Session session, string deviceId)
    {
        foreach (var observer in observers)
        {
            observer.Offline(session, deviceId);
        }
    }
}
