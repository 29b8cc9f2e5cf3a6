using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>Registration of the webhooks.</summary>
internal static class WebhooksExtensions
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<WebhooksOptions>, WebhooksOptionsValidator>();
        services.AddOptions<WebhooksOptions>()
            .BindConfigurationChecked(WebhooksOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<ISessionObserver>(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<IDeviceObserver>(sp => sp.GetRequiredService<WebhookDispatcher>());
        // Rule hits become "rule" events (RuleService takes the observer when one is registered; TryAdd: a
        // test may register its own first).
        services.TryAddSingleton<Rules.IRuleHitObserver>(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return builder;
    }
}
