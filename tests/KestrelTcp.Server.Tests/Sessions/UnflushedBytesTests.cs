using System.IO.Pipelines;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;

namespace KestrelTcp.Server.Tests.Sessions;

/// <summary>
/// Bytes the writer has put in the transport's pipe but whose flush has not completed (the peer is not
/// reading) still count as queued: otherwise a non-reading peer holds its whole queue in the pipe and a
/// second one in the queue, twice its limit and outside the server's outbound budget.
/// </summary>
public sealed class UnflushedBytesTests
{
    [Fact]
    public async Task WhatWaitsInAnUnflushedPipeCountsAgainstTheQueueLimit()
    {
        const int Limit = 64 * 1024;
        const int Payload = 16 * 1024;

        // The session's output pipe pauses at 1 KiB and nobody reads it: the first flush never completes.
        var pipeOptions = new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false);
        var toSession = new Pipe(pipeOptions);
        var fromSession = new Pipe(pipeOptions);
        var connection = new DefaultConnectionContext(
            "unflushed",
            new DuplexPipe(toSession.Reader, fromSession.Writer),
            new DuplexPipe(fromSession.Reader, toSession.Writer));
        var options = new ListenerOptions
        {
            Mode = ListenerMode.Monitor,
            Framing = new FramingOptions { Kind = FramingKind.LengthPrefixed },
            KeepAlive = false,
            OutboundQueueBytes = Limit,
        };
        var session = new Session(connection, new Listener("unflushed", options), new HistoryOptions { Frames = 0 }, new SessionEvents(), NullLogger.Instance);
        var running = session.RunAsync();

        var payload = new byte[Payload];
        Assert.Equal(SendResult.Queued, session.EnqueueCommand(payload));

        // Let the writer take the first frame into the pipe and block on its flush.
        await Task.Delay(200);
        var accepted = (long)Payload;
        while (session.EnqueueCommand(payload) == SendResult.Queued)
        {
            accepted += Payload;
            Assert.True(accepted <= 2 * Limit, "the queue limit did not hold");
        }

        Assert.Equal(CloseReason.SlowConsumer, session.CloseReason);
        Assert.InRange(accepted, Payload, Limit);

        // The session's run ends once the transport goes away.
        await toSession.Writer.CompleteAsync();
        await fromSession.Reader.CompleteAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
