using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Rules;

/// <summary>Registration of the auto-reply rules.</summary>
internal static class RulesExtensions
{
    public static WebApplicationBuilder AddAutoReplyRules(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<RulesOptions>, RulesOptionsValidator>();
        services.AddOptions<RulesOptions>()
            .BindConfigurationChecked(RulesOptions.Section)
            .ValidateOnStart();
        services.AddSingleton(sp => new RuleService(
            sp.GetRequiredService<Sessions.ListenerCatalog>(),
            sp.GetRequiredService<IOptions<RulesOptions>>(),
            sp.GetRequiredService<IOptions<KestrelTcpOptions>>(),
            sp.GetService<IRuleHitObserver>()));
        services.AddHostedService(sp => sp.GetRequiredService<RuleService>());
        return builder;
    }
}
