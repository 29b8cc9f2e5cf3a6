using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Protocols;

namespace KestrelTcp.Testing;

/// <summary>
/// A raw TCP test client: writes bytes as given and decodes what arrives with a framing codec. Every
/// receive has a timeout, so a test fails instead of hanging.
/// </summary>
public sealed class TestTcpClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    public TestTcpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
    }

    public Socket Socket => _socket;

    public string LocalEndPoint => _socket.LocalEndPoint!.ToString()!;

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes).AsTask().WaitAsync(DefaultTimeout);

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public Task SendLineAsync(string line) => SendAsync(line + "\n");

    /// <summary>Sends one frame encoded with <paramref name="codec"/>.</summary>
    public Task SendFrameAsync(FrameCodec codec, byte[] payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.WriteMessage(payload, buffer);
        return SendAsync(buffer.WrittenSpan.ToArray());
    }

    /// <summary>Receives one frame decoded with <paramref name="codec"/> (a line by default).</summary>
    public async Task<byte[]> ReceiveFrameAsync(FrameCodec? codec = null, TimeSpan? timeout = null)
    {
        codec ??= new LineCodec();
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("No frame arrived in time.");
            }

            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            if (codec.TryParseMessage(buffer, ref consumed, ref examined, out var frame))
            {
                var bytes = frame.ToArray();
                _reader.AdvanceTo(consumed, consumed);
                return bytes;
            }

            _reader.AdvanceTo(consumed, examined);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("The server closed the connection before a frame arrived.");
            }
        }
    }

    public async Task<string> ReceiveLineAsync(TimeSpan? timeout = null) =>
        Encoding.UTF8.GetString(await ReceiveFrameAsync(new LineCodec(), timeout));

    /// <summary>Waits until the server closes the connection (FIN or reset); false on timeout.
    /// Bytes that arrive meanwhile are discarded.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(cts.Token);
                _reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>Asserts that nothing arrives within <paramref name="window"/> (for "only the second client gets it").</summary>
    public async Task<bool> ReceivesNothingAsync(TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            var result = await _reader.ReadAsync(cts.Token);
            _reader.AdvanceTo(result.Buffer.Start);
            return result.Buffer.IsEmpty && !result.IsCompleted;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        await _stream.DisposeAsync();
    }
}
