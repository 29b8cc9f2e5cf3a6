using KestrelTcp.Testing;

namespace KestrelTcp.Client.Tests.Helpers;

/// <summary>
/// One real KestrelTcp server shared by a test class: the default Line listener in Monitor mode plus an
/// Echo listener for every framing in <see cref="TestListeners"/>.
/// </summary>
public sealed class EchoServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public int Port(string listener = "default") => Server.TcpEndPoint(listener).Port;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(TestListeners.EchoSettings());

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
