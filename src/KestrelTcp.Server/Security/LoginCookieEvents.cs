using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace KestrelTcp.Server.Security;

/// <summary>
/// The sign-in cookie's behaviour: API and hub requests get 401/403 instead of redirects; pages
/// redirect to the sign-in page; and a cookie whose user was removed, or whose password or role changed
/// since it was issued, is rejected.
/// </summary>
internal sealed class LoginCookieEvents : CookieAuthenticationEvents
{
    private readonly UserStore _users;

    public LoginCookieEvents(UserStore users)
    {
        _users = users;
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (PublicPaths.IsPageNavigation(context.Request))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        return TypedResults.Problem(
            detail: $"Sign in at {PublicPaths.LoginPage}, or send an API key in the {AuthSchemes.ApiKeyHeader} header.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Not authenticated.").ExecuteAsync(context.HttpContext);
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        TypedResults.Problem(
            detail: "Your role does not allow this; the Operator role is required.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden.").ExecuteAsync(context.HttpContext);

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var account = _users.Find(principal?.Identity?.Name);
        if (account is null || principal!.FindFirst(SecurityClaims.Stamp)?.Value != account.Stamp)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSchemes.Cookie).ConfigureAwait(false);
        }
    }
}
