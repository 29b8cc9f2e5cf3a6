using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Devices.History;

/// <summary>Registration of the durable device history.</summary>
internal static class DeviceHistoryExtensions
{
    public static WebApplicationBuilder AddDeviceHistory(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<DeviceHistoryOptions>, DeviceHistoryOptionsValidator>();
        builder.Services.AddOptions<DeviceHistoryOptions>()
            .BindConfigurationChecked(DeviceHistoryOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<HistoryDatabase>();
        builder.Services.AddSingleton<HistoryQueue>();
        builder.Services.AddSingleton<HistoryReader>();
        builder.Services.AddSingleton<HistoryWriter>();

        // Built at host start, before Kestrel takes connections: the queue attaches itself to the listeners then.
        builder.Services.AddHostedService(services => services.GetRequiredService<HistoryWriter>());
        return builder;
    }
}
