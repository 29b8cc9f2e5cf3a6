namespace KestrelTcp.Server.Security;

/// <summary>
/// When no user is configured, prints the first-run operator's user name and the file that holds its
/// password (<see cref="FirstRunCredential"/>), as soon as the server has started, with how to configure a
/// real user; the password itself goes to the console only when it could not be kept in a file, and then
/// once. The log gets a warning without the password.
/// </summary>
internal sealed class FirstRunNotice : IHostedService
{
    /// <summary>Starts the line with the user name; tests and scripts find it by this text.</summary>
    public const string UserNameLabel = "User name: ";

    /// <summary>Starts the line with the password (when it could not be kept in a file).</summary>
    public const string PasswordLabel = "Password:  ";

    /// <summary>Starts the line with the path of the file that holds the password.</summary>
    public const string PasswordFileLabel = "Password file: ";

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
        var path = _users.FirstRunPasswordPath;
        var password = path is null ? _users.TakeFirstRunPassword() : null;
        if (path is null && password is null)
        {
            return;
        }

        string body;
        if (path is not null)
        {
            _logger.FirstRunUserKept(UserStore.FirstRunUserName, path, _users.FirstRunPasswordCreated);
            body = $"""
                   {UserNameLabel}{UserStore.FirstRunUserName}
                   {PasswordFileLabel}{path}

                 The password is in that file, readable only by the user running the server
                 (cat it there; in a container: docker exec <container> cat {path}).
                 It stays valid across restarts until you configure a user, which deletes it.
                """;
        }
        else
        {
            _logger.FirstRunUserCreated(UserStore.FirstRunUserName);
            body = $"""
                   {UserNameLabel}{UserStore.FirstRunUserName}
                   {PasswordLabel}{password}

                 DataPath could not be written, so this password is kept only in memory and
                 shown only once: it changes on every start until you configure a user.
                """;
        }

        var text = $"""

            ==============================================================================
             KestrelTcp: no users are configured, so a first-run operator signs in with:

            {body}

             To configure a user instead, hash a password:

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
