namespace KestrelTcp.Server.Security;

/// <summary>
/// When no user is configured, prints the first-run operator's user name and password once, as soon as
/// the server has started, with how to configure a real user. The log gets a warning without the password.
/// </summary>
internal sealed class FirstRunNotice : IHostedService
{
    /// <summary>Starts the line with the user name; tests and scripts find it by this text.</summary>
    public const string UserNameLabel = "User name: ";

    /// <summary>Starts the line with the password.</summary>
    public const string PasswordLabel = "Password:  ";

    private readonly UserStore _users;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly FirstRunConsole _console;
    private readonly ILogger<FirstRunNotice> _logger;
    private CancellationTokenRegistration _started;

    public FirstRunNotice(UserStore users, IHostApplicationLifetime lifetime, FirstRunConsole console, ILogger<FirstRunNotice> logger)
    {
        _users = users;
        _lifetime = lifetime;
        _console = console;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_users.IsFirstRun)
        {
            _started = _lifetime.ApplicationStarted.Register(static state => ((FirstRunNotice)state!).Print(), this);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _started.DisposeAsync().AsTask();

    private void Print()
    {
        if (_users.TakeFirstRunPassword() is not { } password)
        {
            return;
        }

        _logger.FirstRunUserCreated(UserStore.FirstRunUserName);
        var text = $"""

            ==============================================================================
             KestrelTcp: no users are configured, so a first-run operator was created.
             Sign in to the dashboard with:

               {UserNameLabel}{UserStore.FirstRunUserName}
               {PasswordLabel}{password}

             This password is shown only once and is kept only in memory: it changes on
             every start until you configure a user. To configure one, hash a password:

               dotnet run --project src/KestrelTcp.Server -- hash-password
               (a published build: KestrelTcp.Server hash-password)

             and set the hash and a role (Operator or Viewer) in appsettings.json under
             KestrelTcp:Security:Users:<name>, or as environment variables:

               KestrelTcp__Security__Users__alice__PasswordHash=pbkdf2-sha256.600000...
               KestrelTcp__Security__Users__alice__Role=Operator
            ==============================================================================

            """;
        _console.Writer.Write(text);
        _console.Writer.Flush();
    }
}
