using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Devices;

/// <summary>Registration of the durable device registry.</summary>
internal static class DevicesExtensions
{
    public static WebApplicationBuilder AddDeviceRegistry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<DevicesOptions>, DevicesOptionsValidator>();
        services.AddOptions<DevicesOptions>()
            .BindConfigurationChecked(DevicesOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<DeviceTracker>();
        services.AddSingleton<IDeviceObserver>(sp => sp.GetRequiredService<DeviceTracker>());
        services.AddSingleton<DeviceRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceRegistry>());
        services.AddSingleton<DeviceSessions>();
        // Replaced by the cluster's (Cluster/ClusterDeviceEdits) when clustering is on.
        services.TryAddSingleton<IDeviceEdits, LocalDeviceEdits>();
        services.AddHostedService<RemotePendingDelivery>();
        services.AddHostedService<RemoteDeviceSightings>();
        return builder;
    }
}
