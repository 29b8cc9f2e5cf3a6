using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>
/// Authenticates requests that carry an <c>X-Api-Key</c> header (REST calls and the hub's negotiate and
/// WebSocket requests). Invalid keys are counted per source address; an address that sends too many has
/// its invalid keys refused for a while, like a locked user name. A valid key is checked first and always
/// signs in: another client's wrong keys from the same address never lock a correct credential out.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private const string FailureItem = "KestrelTcp.ApiKeyFailure";
    private const string RetryItem = "KestrelTcp.ApiKeyRetryAfter";

    private readonly ApiKeyStore _keys;
    private readonly FailureThrottle _throttle;
    private readonly PasswordVerificationGate _gate;
    private readonly ILogger<ApiKeyAuthenticationHandler> _logger;

    public ApiKeyAuthenticationHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory loggerFactory,
        UrlEncoder encoder,
        ApiKeyStore keys,
        FailureThrottle throttle,
        PasswordVerificationGate gate)
        : base(options, loggerFactory, encoder)
    {
        _keys = keys;
        _throttle = throttle;
        _gate = gate;
        _logger = loggerFactory.CreateLogger<ApiKeyAuthenticationHandler>();
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(AuthSchemes.ApiKeyHeader, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        // The key is checked before the lock: a valid key always signs in, so someone else's wrong keys
        // from the same address (a shared NAT, a proxy) cannot lock its owner out. Only invalid keys are
        // counted, and only they are refused while the address is locked. A key seen before costs a
        // look-up; any other is hashed in one of the few slots shared with sign-ins, so a flood of wrong
        // keys cannot take every core.
        if (values.Count == 1)
        {
            var key = values.ToString();
            Account? account = null;
            var found = _keys.TryFindVerified(key, out account)
                ? true
                : await _gate.TryVerifyAsync(() => _keys.TryFind(key, out account), Context.RequestAborted).ConfigureAwait(false);
            if (found is null)
            {
                Context.Items[RetryItem] = PasswordVerificationGate.RetryAfter;
                return Fail("Too many credentials are being checked right now; try again in a second.");
            }

            if (found == true && account is not null)
            {
                var principal = SecurityClaims.CreatePrincipal(account.Name, account.Role, ActorKind.ApiKey, account.Stamp, Scheme.Name);
                return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
            }
        }

        var source = SecurityClaims.FormatAddress(Context.Connection.RemoteIpAddress);
        var throttleKey = $"apikey:{source}";
        if (await _throttle.LockedForAsync(throttleKey, Context.RequestAborted).ConfigureAwait(false) is { } remaining)
        {
            Context.Items[RetryItem] = remaining;
            return Fail($"Too many invalid API keys from this address; try again in {FailureThrottle.Describe(remaining)}.");
        }

        _logger.ApiKeyRejected(source);
        if (await _throttle.RecordFailureAsync(throttleKey, Context.RequestAborted).ConfigureAwait(false) is { } lockedFor)
        {
            _logger.ApiKeysLockedOut(source, lockedFor);
        }

        return Fail("The API key is not valid.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{AuthSchemes.ApiKeyHeader}\"";
        if (Context.Items[RetryItem] is TimeSpan retry)
        {
            Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var detail = Context.Items[FailureItem] as string ?? $"Send a valid API key in the {AuthSchemes.ApiKeyHeader} header.";
        await TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated.").ExecuteAsync(Context).ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        TypedResults.Problem(
            detail: "This API key's role does not allow this; the Operator role is required.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden.").ExecuteAsync(Context);

    private AuthenticateResult Fail(string message)
    {
        Context.Items[FailureItem] = message;
        return AuthenticateResult.Fail(message);
    }
}
