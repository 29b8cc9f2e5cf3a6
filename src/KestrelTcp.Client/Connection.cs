using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using KestrelTcp.Protocols;

namespace KestrelTcp.Client;

/// <summary>
/// One open TCP (or TLS) connection: a receive loop decoding frames from a <see cref="PipeReader"/>
/// over the stream (<c>Connection.Read.cs</c>) and a single send loop draining an in-memory pipe into the
/// socket (<c>Connection.Write.cs</c>). The client makes a new one for every connect and reconnect.
/// </summary>
internal sealed partial class Connection
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly SslStream? _tls;
    private readonly FrameCodec _codec;
    private readonly CancellationTokenSource _teardown = new();
    private readonly object _reasonLock = new();
    private DisconnectReason? _reason;
    private Exception? _error;
    private int _tornDown;
    private Task<(DisconnectReason Reason, Exception? Error)>? _completion;

    private Connection(Socket socket, Stream stream, SslStream? tls, FrameCodec codec)
    {
        _socket = socket;
        _stream = stream;
        _tls = tls;
        _codec = codec;
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReceiveBufferSize, minimumReadSize: MinimumReadSize, leaveOpen: true));
        _output = new Pipe(new PipeOptions(
            pauseWriterThreshold: 0,
            resumeWriterThreshold: 0,
            minimumSegmentSize: SendSegmentSize,
            readerScheduler: PipeScheduler.Inline,
            useSynchronizationContext: false));
    }

    public EndPoint? RemoteEndPoint { get; }

    public EndPoint? LocalEndPoint { get; }

    public bool IsEncrypted => _tls is not null;

    /// <summary>Completes when both loops have ended, with the reason recorded first. Never faults.</summary>
    public Task<(DisconnectReason Reason, Exception? Error)> Completion =>
        _completion ?? throw new InvalidOperationException("The connection was not started.");

    /// <summary>Resolves <paramref name="host"/>, connects to the first address that answers and, when
    /// configured, negotiates TLS. Cancellation covers every step.</summary>
    public static async Task<Connection> OpenAsync(string host, int port, KestrelTcpClientOptions options, FrameCodec codec, CancellationToken cancellationToken)
    {
        var socket = await SocketConnector.ConnectAsync(host, port, candidate => Configure(candidate, options), cancellationToken).ConfigureAwait(false);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        SslStream? tls = null;
        try
        {
            if (options.Tls is { } tlsOptions)
            {
                tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(tlsOptions.ToAuthenticationOptions(host), cancellationToken).ConfigureAwait(false);
                stream = tls;
            }
        }
        catch
        {
            if (tls is not null)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
            }

            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new Connection(socket, stream, tls, codec);
    }

    /// <summary>Starts the receive and send loops.</summary>
    public void Start(IFrameSink sink) => _completion = RunAsync(sink);

    /// <summary>Closes at once: queued output is dropped and the loops end with <see cref="DisconnectReason.LocalClose"/>.</summary>
    public void Abort()
    {
        RecordReason(DisconnectReason.LocalClose, null);
        Teardown();
    }

    /// <summary>
    /// Finishes a graceful close started with <see cref="CompleteOutput"/>: the send loop writes what is queued
    /// and shuts down the sending side while the receive loop keeps delivering frames until the peer closes.
    /// After <paramref name="timeout"/> the connection is aborted.
    /// </summary>
    public async Task WaitForCloseAsync(TimeSpan timeout)
    {
        var completion = Completion;
        try
        {
            await completion.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Teardown();
            await completion.ConfigureAwait(false);
        }
    }

    private async Task<(DisconnectReason, Exception?)> RunAsync(IFrameSink sink)
    {
        // Yield so that Start returns at once and both loops run on the thread pool.
        await Task.Yield();
        var sending = WriteLoopAsync();
        await ReadLoopAsync(sink).ConfigureAwait(false);

        // The receive side is done, so the connection is: stop sending and release the socket.
        Teardown();
        await sending.ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _teardown.Dispose();
        lock (_reasonLock)
        {
            return (_reason ?? DisconnectReason.Error, _error);
        }
    }

    /// <summary>Records why the connection ends; the first reason wins.</summary>
    private void RecordReason(DisconnectReason reason, Exception? error)
    {
        lock (_reasonLock)
        {
            if (_reason is null)
            {
                _reason = reason;
                _error = error;
            }
        }
    }

    private void RecordFailure(Exception exception) => RecordReason(DisconnectClassifier.Classify(exception), exception);

    /// <summary>Stops both loops and closes the socket; safe to call more than once and from any thread.</summary>
    private void Teardown()
    {
        if (Interlocked.Exchange(ref _tornDown, 1) != 0)
        {
            return;
        }

        _teardown.Cancel();
        _input.CancelPendingRead();
        _output.Reader.CancelPendingRead();
        _socket.Dispose();
        _written.Pulse();
    }

    private static void Configure(Socket socket, KestrelTcpClientOptions options)
    {
        socket.NoDelay = options.NoDelay;
        if (options.KeepAlive)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            if (options.KeepAliveTime is { } time)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, Math.Max(1, (int)time.TotalSeconds));
            }
        }
    }
}
