using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace KestrelTcp.Server.Security;

/// <summary>
/// <c>POST /auth/login</c> (JSON or form), <c>POST /auth/logout</c> and <c>GET /auth/me</c>. JSON callers
/// (the sign-in page's script) get JSON and status codes; plain form posts (no script) get redirects.
/// </summary>
internal static class AuthEndpoints
{
    /// <summary>Largest sign-in request body: a user name and a password need far less.</summary>
    private const long MaxLoginBodyBytes = 16 * 1024;

    public static WebApplication MapAuthEndpoints(this WebApplication app)
    {
        var auth = app.MapGroup("/auth").WithTags("Authentication");
        auth.MapPost("/login", LoginAsync)
            .AllowAnonymous()
            .WithMetadata(new RequestSizeLimitAttribute(MaxLoginBodyBytes))
            .WithName("Login").WithSummary("Sign in with a user name and password (JSON or form); sets the sign-in cookie.");
        auth.MapPost("/logout", LogoutAsync)
            .RequireAuthorization(AuthorizationPolicies.Viewer)
            .WithName("Logout").WithSummary("Sign out; removes the sign-in cookie.");
        auth.MapGet("/me", Me)
            .RequireAuthorization(AuthorizationPolicies.Viewer)
            .WithName("CurrentUser").WithSummary("Who is signed in: name, role and when the sign-in runs out.");
        return app;
    }

    private static async Task<IResult> LoginAsync(HttpContext http, LoginService login)
    {
        var isForm = http.Request.HasFormContentType;
        LoginRequest? request;
        if (isForm)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            request = new LoginRequest(form["userName"], form["password"], form["returnUrl"]);
        }
        else if (http.Request.HasJsonContentType())
        {
            try
            {
                request = await http.Request.ReadFromJsonAsync<LoginRequest>(http.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                return Problem(StatusCodes.Status400BadRequest, "The request is not valid.", "The body is not valid JSON.");
            }
        }
        else
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "Post the sign-in as JSON or as a form.");
        }

        var returnUrl = IsLocalUrl(request?.ReturnUrl) ? request!.ReturnUrl! : "/";
        if (string.IsNullOrWhiteSpace(request?.UserName) || string.IsNullOrEmpty(request.Password))
        {
            return isForm
                ? BackToLogin("missing", returnUrl)
                : Problem(StatusCodes.Status400BadRequest, "The request is not valid.", "Give both 'userName' and 'password'.");
        }

        var outcome = await login.SignInAsync(request.UserName, request.Password, http.Connection.RemoteIpAddress).ConfigureAwait(false);
        if (outcome.Account is { } account)
        {
            var properties = new AuthenticationProperties { IsPersistent = false, AllowRefresh = true };
            var principal = SecurityClaims.CreatePrincipal(account.Name, account.Role, ActorKind.User, account.Stamp, AuthSchemes.Cookie);
            await http.SignInAsync(AuthSchemes.Cookie, principal, properties).ConfigureAwait(false);
            return isForm
                ? TypedResults.Redirect(returnUrl)
                : TypedResults.Ok(new CurrentUser(account.Name, account.Role, ActorKind.User, properties.ExpiresUtc));
        }

        if (outcome.LockedFor is { } lockedFor)
        {
            var seconds = ((int)Math.Ceiling(lockedFor.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            http.Response.Headers.RetryAfter = seconds;
            return isForm
                ? BackToLogin("locked", returnUrl, seconds)
                : outcome.Refusal switch
                {
                    LoginRefusal.Busy => Problem(
                        StatusCodes.Status429TooManyRequests,
                        "Too many sign-ins at once.",
                        $"Too many sign-ins are being checked right now; try again in {seconds} s."),
                    LoginRefusal.AddressLocked => Problem(
                        StatusCodes.Status429TooManyRequests,
                        "Too many failed sign-ins.",
                        $"Too many failed sign-ins from this address. It is locked; try again in {FailureThrottle.Describe(lockedFor)}."),
                    _ => Problem(
                        StatusCodes.Status429TooManyRequests,
                        "Too many failed sign-ins.",
                        $"Too many failed sign-ins for this user name. It is locked; try again in {FailureThrottle.Describe(lockedFor)}."),
                };
        }

        return isForm
            ? BackToLogin("invalid", returnUrl)
            : Problem(StatusCodes.Status401Unauthorized, "Sign-in failed.", "The user name or password is not correct.");
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, LoginService login)
    {
        await login.RecordSignOutAsync(http.User, http.Connection.RemoteIpAddress).ConfigureAwait(false);
        await http.SignOutAsync(AuthSchemes.Cookie).ConfigureAwait(false);
        return http.Request.HasFormContentType ? TypedResults.Redirect(PublicPaths.LoginPage) : TypedResults.NoContent();
    }

    private static IResult Me(HttpContext http)
    {
        var expires = http.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.ExpiresUtc;
        return TypedResults.Ok(new CurrentUser(http.User.Identity!.Name!, http.User.GetRole()!.Value, http.User.GetKind(), expires));
    }

    /// <summary>Only paths on this server: no scheme, no host, no protocol-relative <c>//host</c> or <c>/\host</c>.</summary>
    internal static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    private static IResult BackToLogin(string error, string returnUrl, string? retryAfter = null)
    {
        var query = QueryString.Create("error", error).Add("returnUrl", returnUrl);
        if (retryAfter is not null)
        {
            query = query.Add("retryAfter", retryAfter);
        }

        return TypedResults.Redirect(PublicPaths.LoginPage + query.ToUriComponent());
    }

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
