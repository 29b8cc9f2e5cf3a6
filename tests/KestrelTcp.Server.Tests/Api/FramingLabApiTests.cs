using System.Buffers;
using System.Net;
using System.Text;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Api;

public sealed class FramingLabApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string[]> Framings => new()
    {
        { "Line", [] },
        { "Delimiter", ["Framing:Delimiter=0D0A"] },
        { "Delimiter", ["Framing:Delimiter=7E"] },
        { "LengthPrefixed", [] },
        { "LengthPrefixed", ["Framing:HeaderBytes=2", "Framing:Endianness=LittleEndian"] },
        { "LengthPrefixed", ["Framing:HeaderBytes=1", "Framing:LengthOffset=2", "Framing:LengthIncludesHeader=true"] },
        { "LengthPrefixed", ["Framing:HeaderBytes=8", "Framing:LengthAdjustment=-1"] },
        { "Fixed", ["Framing:FrameBytes=6"] },
    };

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task DecodesTheSameFramesAsAListenerWithThatFramingOverARealSocket(string kind, string[] options)
    {
        var extra = options.Select(o => o.Split('=')).Select(p => (p[0], p[1])).ToArray();
        await using var server = await TestServer.StartAsync(Settings.Listener("lab", "Monitor", kind, extra), includeDefaultListener: false);
        var listener = server.GetRequiredService<ListenerCatalog>().Find("lab")!;
        string[] payloads = kind == "Fixed" ? ["abcdef", "123456", "zzzzzz"] : ["hello", "x", "a longer frame with spaces"];
        var writer = new ArrayBufferWriter<byte>();
        foreach (var payload in payloads)
        {
            listener.Codec.WriteMessage(Encoding.UTF8.GetBytes(payload), writer);
        }

        // A partial frame at the end: the listener buffers it, the lab shows it as the remainder.
        var tail = new ArrayBufferWriter<byte>();
        listener.Codec.WriteMessage(Encoding.UTF8.GetBytes(kind == "Fixed" ? "tailxx" : "tail"), tail);
        var bytes = writer.WrittenSpan.ToArray().Concat(tail.WrittenSpan[..3].ToArray()).ToArray();

        await using var client = await server.ConnectAsync("lab");
        var random = new Random(4321);
        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(random.Next(1, 5), bytes.Length - offset);
            await client.SendAsync(bytes[offset..(offset + size)]);
            offset += size;
        }

        await server.WaitForSessionCountAsync(1);
        var session = server.GetRequiredService<SessionRegistry>().All.Single();
        await Eventually.WaitAsync(() => session.Snapshot().BytesIn == bytes.Length && session.History.Count == payloads.Length, Timeout, "the listener received every byte and recorded its frames");
        var received = session.History.Snapshot().Select(f => Convert.ToHexString(f.Preview)).ToArray();

        using var http = server.CreateHttpClient(TestRole.Viewer);
        var byListener = await (await http.PostJsonAsync("/api/framing/test", new { input = Convert.ToHexString(bytes), inputEncoding = "hex", listener = "lab" })).ReadAsync<FramingTestResponse>();
        var byOptions = await (await http.PostJsonAsync("/api/framing/test", new { input = Convert.ToHexString(bytes), inputEncoding = "hex", framing = listener.Options.Framing })).ReadAsync<FramingTestResponse>();

        Assert.Equal(received, byListener.Frames.Select(f => f.Hex));
        Assert.Equal(payloads.Length, byListener.FrameCount);
        Assert.Equal(received, byOptions.Frames.Select(f => f.Hex));
        Assert.Null(byListener.Error);
        Assert.Equal(3, byListener.RemainderBytes);
        Assert.Equal(Convert.ToHexString(tail.WrittenSpan[..3]), byListener.RemainderHex);
        Assert.Equal(bytes.Length - 3, byListener.ConsumedBytes);
        Assert.Equal(0, byListener.Frames[0].Offset);
        Assert.Equal(byListener.Frames[0].Length, byListener.Frames[1].Offset);
    }

    [Fact]
    public async Task RawFramingGivesOneFramePerReadAsTheChunksSay()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);

        var result = await (await http.PostJsonAsync("/api/framing/test", new { input = "abcdefgh", framing = new { kind = "Raw" }, chunks = new[] { 3, 2 } })).ReadAsync<FramingTestResponse>();

        Assert.Equal(["abc", "de", "fgh"], result.Frames.Select(f => f.Text));
        Assert.Equal([0, 1, 2], result.Frames.Select(f => f.Read));
        Assert.Equal(3, result.Reads);
    }

    [Fact]
    public async Task SplitAndMergedReadsGiveTheSameFramesAsOneRead()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        const string input = "first~second~~third frame~";
        var framing = new { kind = "Delimiter", delimiter = "7E" };

        var whole = await (await http.PostJsonAsync("/api/framing/test", new { input, framing })).ReadAsync<FramingTestResponse>();
        var bytewise = await (await http.PostJsonAsync("/api/framing/test", new { input, framing, chunks = Enumerable.Repeat(1, input.Length).ToArray() })).ReadAsync<FramingTestResponse>();
        var split = await (await http.PostJsonAsync("/api/framing/test", new { input, framing, splitAt = new[] { 3, 6, 7, 20 } })).ReadAsync<FramingTestResponse>();

        Assert.Equal(["first", "second", string.Empty, "third frame"], whole.Frames.Select(f => f.Text));
        Assert.Equal(whole.Frames.Select(f => (f.Offset, f.Length, f.Hex)), bytewise.Frames.Select(f => (f.Offset, f.Length, f.Hex)));
        Assert.Equal(whole.Frames.Select(f => (f.Offset, f.Length, f.Hex)), split.Frames.Select(f => (f.Offset, f.Length, f.Hex)));
        Assert.Equal(input.Length, bytewise.Reads);
        Assert.Equal(5, split.Reads);
        Assert.Equal(1, split.Frames[0].Read);
    }

    [Fact]
    public async Task ReportsAFrameTooLargeWithItsOffsetAndTheCloseReasonAListenerGives()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("small", "Monitor", "LengthPrefixed", ("Framing:HeaderBytes", "2"), ("Framing:MaxFrameBytes", "16")));
        using var http = server.CreateHttpClient(TestRole.Viewer);
        const string hex = "0003616263" + "00FF" + "6162";

        var result = await (await http.PostJsonAsync("/api/framing/test", new { input = hex, inputEncoding = "hex", listener = "small" })).ReadAsync<FramingTestResponse>();

        Assert.Equal("abc", Assert.Single(result.Frames).Text);
        var error = Assert.IsType<LabError>(result.Error);
        Assert.Equal(FramingError.FrameTooLarge, error.Error);
        Assert.Equal(5, error.Offset);
        Assert.Equal(CloseReason.FrameTooLarge, error.CloseReason);
        Assert.Equal(4, result.RemainderBytes);

        // The same bytes close a real session of that listener for the same reason.
        await using var client = await server.ConnectAsync("small");
        await client.SendAsync(Convert.FromHexString(hex));
        Assert.True(await client.WaitForCloseAsync(Timeout));
        await Eventually.WaitAsync(() => server.GetRequiredService<SessionRegistry>().RecentlyClosed().Length == 1, Timeout);
        Assert.Equal(CloseReason.FrameTooLarge, server.GetRequiredService<SessionRegistry>().RecentlyClosed().Single().CloseReason);
    }

    [Fact]
    public async Task ReportsAMalformedLengthAndATruncatedFrameAtEndOfStreamAsInvalidFrame()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);

        var negative = await (await http.PostJsonAsync("/api/framing/test", new { input = "036101", inputEncoding = "hex", framing = new { kind = "LengthPrefixed", headerBytes = 1, lengthAdjustment = -2 } })).ReadAsync<FramingTestResponse>();
        var truncated = await (await http.PostJsonAsync("/api/framing/test", new { input = "one\ntw", framing = new { kind = "Line" }, endOfStream = true })).ReadAsync<FramingTestResponse>();

        Assert.Equal(FramingError.InvalidFrame, negative.Error!.Error);
        Assert.Equal(2, negative.Error.Offset);
        Assert.Equal("a", Assert.Single(negative.Frames).Text);
        Assert.Equal(CloseReason.InvalidFrame, negative.Error.CloseReason);
        Assert.Equal(FramingError.TruncatedFrame, truncated.Error!.Error);
        Assert.Equal(4, truncated.Error.Offset);
        Assert.Equal(CloseReason.InvalidFrame, truncated.Error.CloseReason);
        Assert.Equal("one", Assert.Single(truncated.Frames).Text);
    }

    [Fact]
    public async Task GuessRanksTheRightLengthPrefixFirstForAnUnknownDevice()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        const string sample = "000568656C6C6F" + "0003616263" + "000B74656D703D32312E35433B" + "0001FF";

        var guess = await (await http.PostJsonAsync("/api/framing/guess", new { input = sample, inputEncoding = "hex" })).ReadAsync<FramingGuessResponse>();

        var best = guess.Candidates[0];
        Assert.Equal(FramingKind.LengthPrefixed, best.Framing.Kind);
        Assert.Equal(2, best.Framing.HeaderBytes);
        Assert.Equal(ByteOrder.BigEndian, best.Framing.Endianness);
        Assert.False(best.Framing.LengthIncludesHeader);
        Assert.Equal(100, best.Score);
        Assert.Equal(4, best.FrameCount);
        Assert.True(guess.Candidates[1].Score < 100, "no other framing fits every byte");
        Assert.Equal(FramingKind.Raw, guess.Candidates.First(c => c.Score == 1).Framing.Kind);
    }

    [Theory]
    [InlineData("status=ok\r\ntemp=21\r\nvolts=12\r\n", "Line", null)]
    [InlineData("status=ok~temp=21~volts=12~", "Delimiter", "7E")]
    public async Task GuessRanksTheDelimiterFirstForDelimitedSamples(string sample, string kind, string? delimiter)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);

        var guess = await (await http.PostJsonAsync("/api/framing/guess", new { input = sample })).ReadAsync<FramingGuessResponse>();

        Assert.Equal(Enum.Parse<FramingKind>(kind), guess.Candidates[0].Framing.Kind);
        Assert.Equal(delimiter, guess.Candidates[0].Framing.Delimiter);
        Assert.Equal(3, guess.Candidates[0].FrameCount);
        Assert.DoesNotContain(guess.Candidates, c => c.Framing.Kind == FramingKind.LengthPrefixed && c.Score == 100);
    }

    [Fact]
    public async Task RefusesRequestsOverTheirBoundsNamingTheField()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        var line = new { kind = "Line" };

        var tooLong = await http.PostJsonAsync("/api/framing/test", new { input = new string('a', FramingLab.MaxInputBytes + 1), framing = line });
        var tooManyChunks = await http.PostJsonAsync("/api/framing/test", new { input = "abc", framing = line, chunks = Enumerable.Repeat(1, FramingLab.MaxChunks + 1).ToArray() });
        var zeroChunk = await http.PostJsonAsync("/api/framing/test", new { input = "abc", framing = line, chunks = new[] { 0 } });
        var badSplit = await http.PostJsonAsync("/api/framing/test", new { input = "abc", framing = line, splitAt = new[] { 2, 1 } });
        var badFraming = await http.PostJsonAsync("/api/framing/test", new { input = "abc", framing = new { kind = "LengthPrefixed", headerBytes = 3 } });
        var noListener = await http.PostJsonAsync("/api/framing/test", new { input = "abc", listener = "nope" });
        var badHex = await http.PostJsonAsync("/api/framing/guess", new { input = "zz", inputEncoding = "hex" });
        var guessTooLong = await http.PostJsonAsync("/api/framing/guess", new { input = new string('a', FramingLab.MaxInputBytes + 1) });

        Assert.Contains("input must be at most 65536 bytes", await tooLong.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.Contains("chunks may have at most 1000", await tooManyChunks.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.Contains("chunks", await zeroChunk.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.Contains("splitAt", await badSplit.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.Contains("framing:HeaderBytes", await badFraming.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.Contains("listener", await noListener.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.Contains("input", await badHex.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.Contains("input must be at most", await guessTooLong.ProblemDetailAsync(), StringComparison.Ordinal);
        foreach (var response in (HttpResponseMessage[])[tooLong, tooManyChunks, zeroChunk, badSplit, badFraming, noListener, badHex, guessTooLong])
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task RefusesABodyOverTheLabsBodyLimit()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);

        var response = await http.PostJsonAsync("/api/framing/guess", new { input = new string('a', (int)FramingLab.MaxBodyBytes + 1) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ReturnsAtMostTheFrameLimitAndSaysItTruncated()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        var input = string.Concat(Enumerable.Repeat("x\n", FramingLab.MaxFrames + 500));

        var result = await (await http.PostJsonAsync("/api/framing/test", new { input, framing = new { kind = "Line" } })).ReadAsync<FramingTestResponse>();

        Assert.Equal(FramingLab.MaxFrames, result.Frames.Length);
        Assert.Equal(FramingLab.MaxFrames + 500, result.FrameCount);
        Assert.True(result.Truncated);
        Assert.Equal(0, result.RemainderBytes);
    }
}
