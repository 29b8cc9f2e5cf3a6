using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;

namespace KestrelTcp.Benchmarks;

/// <summary>
/// The per-frame session path without sockets: a real <see cref="Session"/> in Echo mode over
/// in-memory pipes. Each operation is one 64-byte length-prefixed frame decoded, recorded in the
/// history (in and out), queued, re-encoded and flushed — everything the server does per frame except
/// the kernel. Frames are written in batches of 32, like the pipelined load scenario. With
/// <see cref="Recording.Watched"/> a dashboard viewer also watches the session (the load benchmark's
/// setup), so every frame is recorded in the watch ring too.
/// </summary>
[MemoryDiagnoser]
public class SessionPathBenchmarks
{
    private const int Frames = 1024;
    private const int Batch = 32;
    private Pipe _toSession = null!;
    private Pipe _fromSession = null!;
    private Task _running = null!;
    private byte[] _batch = null!;
    private long _expected;

    /// <summary>What the session records of each frame.</summary>
    public enum Recording
    {
        /// <summary>History off, nobody watching.</summary>
        None,

        /// <summary>The default 200-frame history.</summary>
        History,

        /// <summary>The history, and a dashboard viewer watching (the default 500-frame watch ring).</summary>
        Watched,
    }

    [Params(Recording.None, Recording.History, Recording.Watched)]
    public Recording Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var pipeOptions = new PipeOptions(useSynchronizationContext: false, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline);
        _toSession = new Pipe(pipeOptions);
        _fromSession = new Pipe(pipeOptions);
        var transport = new DuplexPipe(_toSession.Reader, _fromSession.Writer);
        var application = new DuplexPipe(_fromSession.Reader, _toSession.Writer);
        var connection = new DefaultConnectionContext("bench", transport, application);
        var options = new ListenerOptions
        {
            Mode = ListenerMode.Echo,
            Framing = new FramingOptions { Kind = FramingKind.LengthPrefixed },
            KeepAlive = false,
        };
        var listener = new Listener("bench", options);
        var history = new HistoryOptions { Frames = Records == Recording.None ? 0 : 200 };
        var session = new Session(connection, listener, history, new SessionEvents(), NullLogger.Instance);
        if (Records == Recording.Watched)
        {
            var dashboard = new KestrelTcp.Server.Dashboard.DashboardOptions();
            session.AddWatcher(dashboard.TrafficBufferFrames, dashboard.TrafficPreviewBytes, dashboard.TrafficBufferBytes);
        }

        _running = session.RunAsync();

        var codec = listener.Codec;
        var writer = new ArrayBufferWriter<byte>();
        var payload = new byte[64];
        for (var i = 0; i < Batch; i++)
        {
            codec.WriteMessage(payload, writer);
        }

        _batch = writer.WrittenSpan.ToArray();
        _expected = _batch.Length;

        // The session's loops are async state machines that tier up only after many resumptions; run
        // them for a while first so that short jobs (micro.sh --quick) measure optimized code too.
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(2))
        {
            EchoOneFrame().GetAwaiter().GetResult();
        }
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public async Task EchoOneFrame()
    {
        for (var sent = 0; sent < Frames; sent += Batch)
        {
            await _toSession.Writer.WriteAsync(_batch);
            var received = 0L;
            while (received < _expected)
            {
                var result = await _fromSession.Reader.ReadAsync();
                received += result.Buffer.Length;
                _fromSession.Reader.AdvanceTo(result.Buffer.End);
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _toSession.Writer.Complete();
        _running.GetAwaiter().GetResult();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
