using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Testing;

namespace KestrelTcp.Dashboard.Tests.Helpers;

/// <summary>
/// A dashboard connection spoken by hand: negotiate, a WebSocket and SignalR's JSON protocol, so that a
/// test can truly stop reading (the .NET client always reads). It reads and discards what the server
/// sends, counting messages and traffic messages, until <see cref="StopReading"/>; after that nothing
/// reads the socket and the server's writes back up.
/// </summary>
public sealed class RawHubClient : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _pending = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Task _reader = Task.CompletedTask;
    private volatile bool _reading = true;
    private int _nextInvocation;
    private long _messages;
    private long _trafficMessages;

    private RawHubClient(ClientWebSocket socket)
    {
        _socket = socket;

        // A small receive buffer, so that a client that stops reading is soon seen as one by the
        // server (a loopback socket can otherwise take in megabytes before the server's writes wait).
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 8 * 1024 };
                try
                {
                    await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(tcp, ownsSocket: true);
                }
                catch
                {
                    tcp.Dispose();
                    throw;
                }
            },
        });
    }

    /// <summary>Messages received, of any kind.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Traffic messages received.</summary>
    public long TrafficMessages => Interlocked.Read(ref _trafficMessages);

    /// <summary>The close message's error, when the server closed the connection with one.</summary>
    public string? CloseError { get; private set; }

    /// <summary>Whether the connection has been seen to end (closed by the server or failed); a client
    /// that stopped reading does not see it.</summary>
    public bool Closed => _reader.IsCompleted;

    /// <summary>Negotiates and connects as <paramref name="role"/>; throws <see cref="HttpRequestException"/>
    /// with the status code and the body when negotiation is refused.</summary>
    public static async Task<RawHubClient> ConnectAsync(TestServer server, TestRole role = TestRole.Viewer) =>
        await OpenAsync(server, await NegotiateAsync(server, role), role);

    /// <summary>Negotiates a connection and returns its token (the connection is made by <see cref="OpenAsync"/>).</summary>
    public static async Task<string> NegotiateAsync(TestServer server, TestRole role = TestRole.Viewer)
    {
        using var http = server.CreateHttpClient(role);
        using var response = await http.PostAsync(new Uri(HubAddress(server) + "/negotiate?negotiateVersion=1"), null).WaitAsync(Timeout);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(await response.Content.ReadAsStringAsync(), null, response.StatusCode);
        }

        var negotiation = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        return negotiation.GetProperty("connectionToken").GetString()!;
    }

    /// <summary>Opens the WebSocket of a negotiated connection and does the handshake.</summary>
    public static async Task<RawHubClient> OpenAsync(TestServer server, string token, TestRole role = TestRole.Viewer)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader(TestServer.ApiKeyHeaderName, TestCredentials.ApiKey(role));
        var client = new RawHubClient(socket);
        try
        {
            var address = new UriBuilder(HubAddress(server)) { Scheme = "ws", Query = "id=" + WebUtility.UrlEncode(token) }.Uri;
            await socket.ConnectAsync(address, client._invoker, CancellationToken.None).WaitAsync(Timeout);
            await client.SendAsync("{\"protocol\":\"json\",\"version\":1}");
            client._reader = client.ReadAsync();
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    /// <summary>Calls a hub method and waits for its completion (which needs this client still reading).</summary>
    public async Task<JsonElement> InvokeAsync(string target, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref _nextInvocation).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pending[id] = done;
        }

        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }));
        return await done.Task.WaitAsync(Timeout);
    }

    /// <summary>From now on nothing reads the socket.</summary>
    public void StopReading() => _reading = false;

    /// <summary>Waits until the server has closed the connection.</summary>
    public Task WaitForCloseAsync(TimeSpan timeout) => _reader.WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        try
        {
            await _reader.WaitAsync(Timeout);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or TimeoutException)
        {
        }

        _socket.Dispose();
        _invoker.Dispose();
        _stop.Dispose();
    }

    private static Uri HubAddress(TestServer server) => new(server.HttpAddress, DashboardExtensions.HubPath.TrimStart('/'));

    private Task SendAsync(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json + (char)RecordSeparator);
        return _socket.SendAsync(bytes, WebSocketMessageType.Text, true, _stop.Token).WaitAsync(Timeout);
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                while (!_reading)
                {
                    await Task.Delay(50, _stop.Token);
                }

                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var span = buffer.AsSpan(0, result.Count);
                int separator;
                while ((separator = span.IndexOf(RecordSeparator)) >= 0)
                {
                    message.Write(span[..separator]);
                    OnMessage(message.GetBuffer().AsSpan(0, (int)message.Length));
                    message.SetLength(0);
                    span = span[(separator + 1)..];
                }

                message.Write(span);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }

    private void OnMessage(ReadOnlySpan<byte> json)
    {
        Interlocked.Increment(ref _messages);
        if (json.IndexOf("\"target\":\"Traffic\""u8) >= 0)
        {
            Interlocked.Increment(ref _trafficMessages);
            return;
        }

        if (json.Length == 2 || json.IndexOf("\"type\":6"u8) >= 0)
        {
            return; // the handshake's {} or a ping
        }

        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        switch (root.GetProperty("type").GetInt32())
        {
            case 3:
                TaskCompletionSource<JsonElement>? done;
                lock (_gate)
                {
                    _pending.Remove(root.GetProperty("invocationId").GetString()!, out done);
                }

                done?.TrySetResult(root.TryGetProperty("result", out var value) ? value.Clone() : default);
                break;
            case 7:
                CloseError = root.TryGetProperty("error", out var error) ? error.GetString() : null;
                break;
        }
    }
}
