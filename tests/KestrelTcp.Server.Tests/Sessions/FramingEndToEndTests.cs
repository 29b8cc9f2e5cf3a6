using System.Buffers;
using System.Text;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Sessions;

public sealed class FramingEndToEndTests
{
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
    public async Task EchoesEveryFrameWhateverTheFramingAndHowTheBytesAreSplit(string kind, string[] options)
    {
        var extra = options.Select(o => o.Split('=')).Select(p => (p[0], p[1])).ToArray();
        await using var server = await TestServer.StartAsync(Settings.Listener("echo", "Echo", kind, extra), includeDefaultListener: false);
        var codec = server.GetRequiredService<ListenerCatalog>().Find("echo")!.Codec;
        string[] payloads = kind == "Fixed" ? ["abcdef", "123456", "zzzzzz"] : ["hello", "x", "a longer frame with spaces"];

        // Encode all frames back to back, then send them in awkward pieces: frames split and merged.
        var writer = new ArrayBufferWriter<byte>();
        foreach (var payload in payloads)
        {
            codec.WriteMessage(Encoding.UTF8.GetBytes(payload), writer);
        }

        var bytes = writer.WrittenSpan.ToArray();
        await using var client = await server.ConnectAsync("echo");
        var random = new Random(1234);
        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(random.Next(1, 5), bytes.Length - offset);
            await client.SendAsync(bytes[offset..(offset + size)]);
            offset += size;
        }

        foreach (var payload in payloads)
        {
            Assert.Equal(payload, Encoding.UTF8.GetString(await client.ReceiveFrameAsync(codec)));
        }

        await server.WaitForSessionCountAsync(1);
        var session = server.GetRequiredService<SessionRegistry>().All.Single();
        await Eventually.WaitAsync(() => session.Snapshot().FramesOut == payloads.Length, TimeSpan.FromSeconds(5));
        var info = session.Snapshot();
        Assert.Equal(payloads.Length, info.FramesIn);
        Assert.Equal(bytes.Length, info.BytesIn);
        Assert.Equal(bytes.Length, info.BytesOut);
    }

    [Fact]
    public async Task RawFramingDeliversBytesAsTheyArrive()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("raw", "Monitor", "Raw"), includeDefaultListener: false);
        await using var client = await server.ConnectAsync("raw");
        await server.WaitForSessionCountAsync(1);
        var session = server.GetRequiredService<SessionRegistry>().All.Single();

        await client.SendAsync("no delimiter at all");
        await Eventually.WaitAsync(() => session.Snapshot().BytesIn == 19, TimeSpan.FromSeconds(5));
        var frames = session.History.Snapshot();
        Assert.Equal("no delimiter at all", string.Concat(frames.Select(f => Encoding.UTF8.GetString(f.Preview))));
        Assert.All(frames, f => Assert.Equal(FrameDirection.In, f.Direction));
    }

    [Fact]
    public async Task LineFramingStripsCarriageReturns()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("echo", "Echo"), includeDefaultListener: false);
        await using var client = await server.ConnectAsync("echo");
        await client.SendAsync("windows line\r\nunix line\n");
        Assert.Equal("windows line", await client.ReceiveLineAsync());
        Assert.Equal("unix line", await client.ReceiveLineAsync());
    }
}
