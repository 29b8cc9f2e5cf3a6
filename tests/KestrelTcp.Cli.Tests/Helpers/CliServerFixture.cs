using System.Net.Http.Json;
using System.Text.Json;
using KestrelTcp.Testing;

namespace KestrelTcp.Cli.Tests.Helpers;

/// <summary>A real KestrelTcp server for CLI tests: the default Line listener in Monitor mode, plus Echo
/// listeners with line, raw and 4-byte length-prefixed framing.</summary>
public sealed class CliServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    /// <summary><c>127.0.0.1:PORT</c> of a listener, as ktcp takes it.</summary>
    public string Target(string listener = "default") => $"127.0.0.1:{Server.TcpEndPoint(listener).Port}";

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (name, kind) in new[] { ("echo-line", "Line"), ("echo-lp4", "LengthPrefixed"), ("echo-raw", "Raw") })
        {
            settings[$"KestrelTcp:Listeners:{name}:Address"] = "127.0.0.1";
            settings[$"KestrelTcp:Listeners:{name}:Port"] = "0";
            settings[$"KestrelTcp:Listeners:{name}:Mode"] = "Echo";
            settings[$"KestrelTcp:Listeners:{name}:Framing:Kind"] = kind;
        }

        _server = await TestServer.StartAsync(settings);
    }

    /// <summary>Kicks every live session of <paramref name="listener"/> through the REST API.</summary>
    public async Task KickAllAsync(string listener)
    {
        using var http = Server.CreateHttpClient();
        var page = await http.GetFromJsonAsync<JsonElement>($"/api/sessions?listener={listener}&pageSize=1000").WaitAsync(KestrelTcp.Client.Tests.Helpers.Wait.Timeout);
        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            using var response = await http.DeleteAsync($"/api/sessions/{item.GetProperty("id").GetString()}?reason=test").WaitAsync(KestrelTcp.Client.Tests.Helpers.Wait.Timeout);

            // A session of an earlier test may end between the listing and the kick.
            if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
            {
                response.EnsureSuccessStatusCode();
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
