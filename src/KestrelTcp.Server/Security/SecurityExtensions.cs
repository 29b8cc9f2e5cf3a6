using KestrelTcp.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>Registration and middleware of the security layer: sign-in, API keys, roles, origin check,
/// security headers, audit log and Data Protection keys.</summary>
internal static class SecurityExtensions
{
    public static WebApplicationBuilder AddKestrelTcpSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddOptions<SecurityOptions>()
            .BindConfigurationChecked(SecurityOptions.SectionName)
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new FirstRunConsole(Console.Out));
        services.AddSingleton<UserStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<FailureThrottle>();
        services.AddSingleton<PasswordVerificationGate>();
        services.AddSingleton<OriginPolicy>();
        services.AddSingleton<LoginService>();
        services.AddSingleton<LoginCookieEvents>();
        services.AddSingleton<AuditLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());
        services.AddHostedService<FirstRunNotice>();

        // Data Protection keys (they sign the sign-in cookie) live in the data folder, so a restart
        // or a new container on the same volume does not sign everyone out.
        services.AddDataProtection().SetApplicationName("KestrelTcp");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<KestrelTcpOptions>, ILoggerFactory>((keys, server, loggers) =>
                keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(KeysPath(server.Value)), loggers));

        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, "Sign-in cookie or API key", options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.ContainsKey(AuthSchemes.ApiKeyHeader) ? AuthSchemes.ApiKey : AuthSchemes.Cookie)
            .AddCookie(AuthSchemes.Cookie, options =>
            {
                options.Cookie.Name = AuthSchemes.CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.IsEssential = true;
                options.SlidingExpiration = true;
                options.LoginPath = PublicPaths.LoginPage;
                options.ReturnUrlParameter = "returnUrl";
                options.EventsType = typeof(LoginCookieEvents);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null);
        services.AddOptions<CookieAuthenticationOptions>(AuthSchemes.Cookie)
            .Configure<IOptions<SecurityOptions>>((cookie, security) => cookie.ExpireTimeSpan = security.Value.LoginExpiry);

        var viewer = new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireRole(nameof(SecurityRole.Viewer), nameof(SecurityRole.Operator))
            .Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthorizationPolicies.Viewer, viewer)
            .AddPolicy(AuthorizationPolicies.Operator, policy => policy.RequireAuthenticatedUser().RequireRole(nameof(SecurityRole.Operator)))
            .SetFallbackPolicy(viewer);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        return builder;
    }

    /// <summary>Security headers on every response; call first, so that error responses carry them too.</summary>
    public static WebApplication UseKestrelTcpSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app;
    }

    /// <summary>The origin check, the sign-in page's files (public), then authentication and
    /// authorization. Everything after it (the dashboard's files included) needs a signed-in Viewer
    /// unless its endpoint says otherwise.</summary>
    public static WebApplication UseKestrelTcpSecurity(this WebApplication app)
    {
        app.UseMiddleware<OriginCheckMiddleware>();
        app.UseWhen(context => PublicPaths.IsLoginAsset(context.Request.Path), login => login.UseStaticFiles());
        app.UseAuthentication();

        // A request that signed in moves its connection to the signed-in share of the HTTP budget.
        app.UseSignedInHttpConnections();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The folder of the Data Protection keys: <c>{DataPath}/keys</c>.</summary>
    public static string KeysPath(KestrelTcpOptions options) => Path.GetFullPath(Path.Combine(options.DataPath, "keys"));
}
