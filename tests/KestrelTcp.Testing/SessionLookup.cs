using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Testing;

/// <summary>
/// Finds the server-side session of a test client. The server may accept clients in a different order
/// than they connected, so tests that need "the session of this socket" ask by endpoint, not by position.
/// </summary>
public static class SessionLookup
{
    /// <summary>The id of <paramref name="client"/>'s session, waiting (up to 10 s) until the server has it.</summary>
    public static async Task<string> SessionIdOfAsync(this TestServer server, TestTcpClient client)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(client);
        var registry = server.GetRequiredService<SessionRegistry>();
        string? id = null;
        await Eventually.WaitAsync(
            () => (id = registry.All.FirstOrDefault(s => s.RemoteEndPoint?.ToString() == client.LocalEndPoint)?.Id) is not null,
            TimeSpan.FromSeconds(10),
            $"a session for the client at {client.LocalEndPoint}");
        return id!;
    }
}
