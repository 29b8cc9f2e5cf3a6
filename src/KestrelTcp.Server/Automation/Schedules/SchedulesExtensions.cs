using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>Registration of the scheduled sends.</summary>
internal static class SchedulesExtensions
{
    public static WebApplicationBuilder AddSchedules(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<SchedulesOptions>, SchedulesOptionsValidator>();
        services.AddOptions<SchedulesOptions>()
            .BindConfigurationChecked(SchedulesOptions.SectionName)
            .ValidateOnStart();
        services.TryAddSingleton(new ScheduleClock(TimeProvider.System));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SchedulesOptions>>().Value;
            var dataPath = sp.GetRequiredService<IOptions<KestrelTcpOptions>>().Value.DataPath;
            return new ScheduleStore(Path.GetFullPath(options.Path ?? Path.Combine(dataPath, "schedules.db")));
        });
        services.AddSingleton(sp => new ScheduleClaims(sp.GetService<ClusterRedis>(), sp.GetService<LocalNode>()));
        services.AddSingleton<ScheduleSender>();
        services.AddSingleton<ScheduleRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleRunner>());
        return builder;
    }
}
