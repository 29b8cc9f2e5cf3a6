using System.Buffers;
using System.IO.Pipelines;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

/// <summary>
/// <see cref="ProtocolReader{TMessage}"/> over a real <see cref="Pipe"/>. Inline schedulers, run off
/// the test's synchronization context (see <see cref="OffTestContext"/>), make "the read is still
/// pending" a deterministic fact rather than a race.
/// </summary>
public sealed class ProtocolReaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public Task ProtocolReaderReturnsEveryCoalescedFrameBeforeReadingThePipeAgain() => OffTestContext.RunAsync(async () =>
    {
        var (pipe, recorder, reader) = Create(new LineCodec());
        await pipe.Writer.WriteAsync(Bytes.Ascii("a\nbb\nccc\n"));

        var frames = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var read = reader.ReadAsync();
            Assert.True(read.IsCompletedSuccessfully);
            frames.Add(Bytes.Text((await read).Message.ToArray()));
        }

        Assert.Equal(["a", "bb", "ccc"], frames);
        Assert.Equal(1, recorder.Reads);
        Assert.Empty(recorder.Advances);
    });

    [Fact]
    public Task ProtocolReaderWaitsForTheRestOfAFrameHavingExaminedEverything() => OffTestContext.RunAsync(async () =>
    {
        var (pipe, recorder, reader) = Create(new LengthPrefixedCodec(2));
        await pipe.Writer.WriteAsync(Bytes.Concat(Bytes.Hex("0001"), Bytes.Ascii("x"), Bytes.Hex("0005"), Bytes.Ascii("hel")));

        var first = Bytes.Text((await reader.ReadAsync().AsTask().WaitAsync(Timeout)).Message.ToArray());
        var second = reader.ReadAsync().AsTask();

        Assert.Equal("x", first);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, recorder.Reads);
        var (consumed, examined, length) = Assert.Single(recorder.Advances);
        Assert.Equal((3L, 8L, 8L), (consumed, examined, length));

        await pipe.Writer.WriteAsync(Bytes.Ascii("lo"));

        Assert.True(second.IsCompleted);
        Assert.Equal("hello", Bytes.Text((await second).Message.ToArray()));
        Assert.Equal(2, recorder.Reads);
    });

    [Fact]
    public Task ProtocolReaderReportsACleanEndOfStreamOnEveryLaterRead() => OffTestContext.RunAsync(async () =>
    {
        var (pipe, _, reader) = Create(new LineCodec());
        await pipe.Writer.WriteAsync(Bytes.Ascii("last\n"));
        await pipe.Writer.CompleteAsync();

        // A message is only valid until the next read: copy it first.
        var frame = await reader.ReadAsync().AsTask().WaitAsync(Timeout);
        var text = Bytes.Text(frame.Message.ToArray());
        var end = await reader.ReadAsync().AsTask().WaitAsync(Timeout);
        var again = await reader.ReadAsync().AsTask().WaitAsync(Timeout);

        Assert.False(frame.IsCompleted);
        Assert.Equal("last", text);
        Assert.True(end.IsCompleted);
        Assert.True(again.IsCompleted);
    });

    public static TheoryData<string, string> TruncatedStreams() => new()
    {
        { "Line", "61 62 63" },
        { "Line", "61 62 0D" },
        { "Delimiter", "61 62 0D" },
        { "LengthPrefixed", "00 00" },
        { "LengthPrefixed", "00 00 00 04 61 62" },
        { "Fixed", "61 62 63" },
    };

    [Theory]
    [MemberData(nameof(TruncatedStreams))]
    public Task ProtocolReaderThrowsTruncatedFrameWhenTheStreamEndsInsideAFrame(string kind, string tail) => OffTestContext.RunAsync(async () =>
    {
        FrameCodec codec = kind switch
        {
            "Line" => new LineCodec(),
            "Delimiter" => new DelimiterCodec(Bytes.Hex("0D0A")),
            "LengthPrefixed" => new LengthPrefixedCodec(),
            _ => new FixedCodec(4),
        };
        var (pipe, _, reader) = Create(codec);
        var whole = Bytes.Encode(codec, [Bytes.Ascii("abcd")]);
        await pipe.Writer.WriteAsync(Bytes.Concat(whole, Bytes.Hex(tail)));
        await pipe.Writer.CompleteAsync();

        var frame = Bytes.Text((await reader.ReadAsync().AsTask().WaitAsync(Timeout)).Message.ToArray());
        var error = await Assert.ThrowsAsync<FramingException>(() => reader.ReadAsync().AsTask().WaitAsync(Timeout));

        Assert.Equal("abcd", frame);
        Assert.Equal(FramingError.TruncatedFrame, error.Error);
        Assert.Contains($"{Bytes.Hex(tail).Length} bytes", error.Message, StringComparison.Ordinal);
    });

    [Fact]
    public Task ProtocolReaderSurfacesDecoderErrorsAfterTheFramesBeforeThem() => OffTestContext.RunAsync(async () =>
    {
        var (pipe, _, reader) = Create(new LengthPrefixedCodec(maxFrameBytes: 10));
        await pipe.Writer.WriteAsync(Bytes.Concat(Bytes.Hex("00000001"), Bytes.Ascii("x"), Bytes.Hex("7FFFFFFF")));

        var frame = Bytes.Text((await reader.ReadAsync().AsTask().WaitAsync(Timeout)).Message.ToArray());
        var error = await Assert.ThrowsAsync<FramingException>(() => reader.ReadAsync().AsTask().WaitAsync(Timeout));

        Assert.Equal("x", frame);
        Assert.Equal(FramingError.FrameTooLarge, error.Error);
    });

    [Fact]
    public Task ProtocolReaderReportsACanceledReadAndThenReadsOn() => OffTestContext.RunAsync(async () =>
    {
        var (pipe, _, reader) = Create(new LineCodec());
        await pipe.Writer.WriteAsync(Bytes.Ascii("par"));
        var pending = reader.ReadAsync().AsTask();

        pipe.Reader.CancelPendingRead();
        var canceled = await pending.WaitAsync(Timeout);
        await pipe.Writer.WriteAsync(Bytes.Ascii("tial\n"));
        var frame = await reader.ReadAsync().AsTask().WaitAsync(Timeout);

        Assert.True(canceled.IsCanceled);
        Assert.False(canceled.IsCompleted);
        Assert.Equal("partial", Bytes.Text(frame.Message.ToArray()));
    });

    [Fact]
    public Task ProtocolReaderStopsWaitingWhenItsTokenIsCanceled() => OffTestContext.RunAsync(async () =>
    {
        var (_, _, reader) = Create(new LineCodec());
        using var cancellation = new CancellationTokenSource();
        var pending = reader.ReadAsync(cancellation.Token).AsTask();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Timeout));
    });

    [Fact]
    public Task ProtocolReaderReadsFramesSpreadOverManyPipeSegments() => OffTestContext.RunAsync(async () =>
    {
        var (pipe, recorder, reader) = Create(new DelimiterCodec(Bytes.Hex("0D0A")), blockSize: 2);
        await pipe.Writer.WriteAsync(Bytes.Ascii("spread\r\nout\r\n"));
        await pipe.Writer.CompleteAsync();

        var first = Bytes.Text((await reader.ReadAsync().AsTask().WaitAsync(Timeout)).Message.ToArray());
        var second = Bytes.Text((await reader.ReadAsync().AsTask().WaitAsync(Timeout)).Message.ToArray());
        var end = await reader.ReadAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(("spread", "out"), (first, second));
        Assert.True(end.IsCompleted);
        Assert.True(recorder.MaxSegments >= 7);
    });

    [Fact]
    public void ProtocolReaderNeedsAPipeAndAMessageReader()
    {
        var pipe = new Pipe();

        Assert.Throws<ArgumentNullException>(() => new ProtocolReader<ReadOnlySequence<byte>>(null!, new LineCodec()));
        Assert.Throws<ArgumentNullException>(() => new ProtocolReader<ReadOnlySequence<byte>>(pipe.Reader, null!));
    }

    private static (Pipe Pipe, RecordingPipeReader Recorder, ProtocolReader<ReadOnlySequence<byte>> Reader) Create(FrameCodec codec, int? blockSize = null)
    {
        var pipe = new Pipe(new PipeOptions(
            pool: blockSize is { } size ? new SmallBlockMemoryPool(size) : null,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0,
            resumeWriterThreshold: 0,
            minimumSegmentSize: blockSize ?? 4096,
            useSynchronizationContext: false));
        var recorder = new RecordingPipeReader(pipe.Reader);
        return (pipe, recorder, new ProtocolReader<ReadOnlySequence<byte>>(recorder, codec));
    }
}
