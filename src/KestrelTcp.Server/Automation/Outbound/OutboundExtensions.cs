using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>Registration of outbound connections.</summary>
internal static class OutboundExtensions
{
    public static WebApplicationBuilder AddOutboundConnections(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<OutboundOptions>, OutboundOptionsValidator>();
        builder.Services.AddOptions<OutboundOptions>()
            .Configure<IConfiguration>(Bind)
            .ValidateOnStart();
        builder.Services.AddSingleton<OutboundDialer>();
        builder.Services.AddSingleton<OutboundConnections>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboundConnections>());
        return builder;
    }

    /// <summary>The settings of the section, and each of its other children as a connection.</summary>
    private static void Bind(OutboundOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(OutboundOptions.SectionName);
        section.Bind(options);
        foreach (var child in section.GetChildren())
        {
            if (!OutboundOptions.SettingNames.Contains(child.Key))
            {
                options.Connections[child.Key] = child.Get<OutboundConnectionOptions>() ?? new OutboundConnectionOptions();
            }
        }
    }
}
