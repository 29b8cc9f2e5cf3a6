using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using KestrelTcp.Server;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace KestrelTcp.Testing;

/// <summary>
/// A real KestrelTcp server (real Kestrel, real sockets) on loopback with port 0 for HTTP and for every
/// TCP listener. Configuration comes only from the test: appsettings.json and environment variables
/// are not read, so tests never depend on the machine. Unless a test opts out, the server has the users
/// and API keys of <see cref="TestCredentials"/>: <see cref="CreateHttpClient()"/> is an Operator.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    /// <summary>The header that carries an API key (for hub connections: <c>options.Headers[ApiKeyHeaderName] = server.OperatorApiKey</c>).</summary>
    public const string ApiKeyHeaderName = AuthSchemes.ApiKeyHeader;

    private readonly string _dataPath;
    private readonly bool _keepData;
    private bool _stopped;

    private TestServer(WebApplication app, string dataPath, bool keepData)
    {
        App = app;
        _dataPath = dataPath;
        _keepData = keepData;
    }

    public WebApplication App { get; }

    /// <summary>The HTTP base address (dashboard, API, hub).</summary>
    public Uri HttpAddress { get; private set; } = null!;

    public string DataPath => _dataPath;

    /// <summary>An Operator API key (send it in <see cref="ApiKeyHeaderName"/>).</summary>
    public string OperatorApiKey => TestCredentials.OperatorApiKey;

    /// <summary>A Viewer API key.</summary>
    public string ViewerApiKey => TestCredentials.ViewerApiKey;

    /// <summary>The Operator user's name (for signing in through the login page).</summary>
    public string OperatorUserName => TestCredentials.OperatorUserName;

    public string OperatorPassword => TestCredentials.OperatorPassword;

    /// <summary>The Viewer user's name.</summary>
    public string ViewerUserName => TestCredentials.ViewerUserName;

    public string ViewerPassword => TestCredentials.ViewerPassword;

    /// <summary>Starts a server with one Line listener named <c>default</c> in Monitor mode, plus whatever
    /// <paramref name="settings"/> adds or overrides (keys like <c>KestrelTcp:Listeners:default:Mode</c>).
    /// <paramref name="includeDefaultCredentials"/> false leaves out the test users and keys (then the
    /// server creates its first-run operator); <paramref name="keepDataPath"/> true keeps the data folder
    /// after disposal, for a second server on the same data (a restart).</summary>
    public static async Task<TestServer> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        bool includeDefaultListener = true,
        string? dataPath = null,
        bool includeDefaultCredentials = true,
        bool keepDataPath = false)
    {
        dataPath ??= Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["KestrelTcp:DataPath"] = dataPath,
            ["KestrelTcp:DrainTimeout"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (includeDefaultListener)
        {
            config["KestrelTcp:Listeners:default:Address"] = "127.0.0.1";
            config["KestrelTcp:Listeners:default:Port"] = "0";
            config["KestrelTcp:Listeners:default:Mode"] = "Monitor";
            config["KestrelTcp:Listeners:default:Framing:Kind"] = "Line";
        }

        if (includeDefaultCredentials)
        {
            foreach (var (key, value) in TestCredentials.Settings)
            {
                config[key] = value;
            }
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = KestrelTcpApplication.Build([], builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.ClearProviders();
            builder.Logging.AddFilter(level => level >= LogLevel.Warning);
            UseRepositoryWebRootIfMissing(builder);
            configure?.Invoke(builder);
        });

        var server = new TestServer(app, dataPath, keepDataPath);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        server.HttpAddress = server.FindHttpAddress();
        return server;
    }

    public T GetRequiredService<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>The bound TCP endpoint of a listener.</summary>
    public IPEndPoint TcpEndPoint(string listener = "default") =>
        GetRequiredService<ListenerCatalog>().Find(listener)?.BoundEndPoint
        ?? throw new InvalidOperationException($"Listener '{listener}' is not bound.");

    /// <summary>An HTTP client for the API, authenticated as an Operator (API key).</summary>
    public HttpClient CreateHttpClient() => CreateHttpClient(TestRole.Operator);

    /// <summary>An HTTP client for the API with the API key of <paramref name="role"/> (none for Anonymous).</summary>
    public HttpClient CreateHttpClient(TestRole role)
    {
        var http = new HttpClient { BaseAddress = HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (role != TestRole.Anonymous)
        {
            http.DefaultRequestHeaders.Add(ApiKeyHeaderName, TestCredentials.ApiKey(role));
        }

        return http;
    }

    /// <summary>An HTTP client without any credentials.</summary>
    public HttpClient CreateAnonymousHttpClient() => CreateHttpClient(TestRole.Anonymous);

    /// <summary>An HTTP client with a cookie jar, signed in through <c>POST /auth/login</c> as the user of
    /// <paramref name="role"/>, as a browser would be.</summary>
    public async Task<HttpClient> CreateSignedInHttpClientAsync(TestRole role)
    {
        var (userName, password) = TestCredentials.User(role);
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = HttpAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var response = await http.PostAsJsonAsync("/auth/login", new { userName, password }).WaitAsync(TimeSpan.FromSeconds(30));
        if (!response.IsSuccessStatusCode)
        {
            http.Dispose();
            throw new InvalidOperationException($"Signing in as {userName} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return http;
    }

    /// <summary>Connects a raw TCP client to a listener.</summary>
    public async Task<TestTcpClient> ConnectAsync(string listener = "default")
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(TcpEndPoint(listener)).WaitAsync(TimeSpan.FromSeconds(10));
        return new TestTcpClient(socket);
    }

    /// <summary>Waits until the server holds exactly <paramref name="count"/> live sessions, failing after <paramref name="timeout"/>.</summary>
    public Task WaitForSessionCountAsync(int count, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(() => GetRequiredService<SessionRegistry>().Count == count, timeout ?? TimeSpan.FromSeconds(10), $"expected {count} sessions");

    /// <summary>The ids of the live sessions, oldest first.</summary>
    public IReadOnlyList<string> SessionIds() =>
        [.. GetRequiredService<SessionRegistry>().All.OrderBy(s => s.ConnectedAt).Select(s => s.Id)];

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await App.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
        if (_keepData)
        {
            return;
        }

        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The Web SDK copies wwwroot only into the server's own output, not into test projects that
    /// reference it: serve the repository's wwwroot then (the login page, the dashboard's own files).</summary>
    private static void UseRepositoryWebRootIfMissing(WebApplicationBuilder builder)
    {
        if (Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot")))
        {
            return;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var webRoot = Path.Combine(folder.FullName, "wwwroot");
            if (File.Exists(Path.Combine(folder.FullName, "KestrelTcp.sln")) && Directory.Exists(webRoot))
            {
                builder.Environment.WebRootPath = webRoot;
                builder.Environment.WebRootFileProvider = new PhysicalFileProvider(webRoot);
                return;
            }
        }
    }

    private Uri FindHttpAddress()
    {
        var tcpPorts = GetRequiredService<ListenerCatalog>().All.Select(l => l.BoundEndPoint?.Port).ToHashSet();
        var addresses = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        foreach (var address in addresses)
        {
            var uri = new Uri(address);
            if (!tcpPorts.Contains(uri.Port))
            {
                return new Uri($"{uri.Scheme}://127.0.0.1:{uri.Port}/");
            }
        }

        throw new InvalidOperationException($"No HTTP address among {string.Join(", ", addresses)}.");
    }
}
