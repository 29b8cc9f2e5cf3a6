using System.Security.Cryptography;
using KestrelTcp.Client.Tests.Helpers;
using KestrelTcp.Protocols;

namespace KestrelTcp.Client.Tests;

/// <summary>The client speaks every framing the server does, through the same codecs, against a real server.</summary>
public sealed class FramingTests : IClassFixture<EchoServerFixture>
{
    private readonly EchoServerFixture _fixture;

    public FramingTests(EchoServerFixture fixture) => _fixture = fixture;

    public static TheoryData<string> FramedListeners() => ["line", "delim-crlf", "delim-7e", "lp1", "lp2", "lp4", "lp8", "lp2-le-offset", "fixed16"];

    [Theory]
    [MemberData(nameof(FramedListeners))]
    public async Task EchoesEveryFrameWholeAndInOrder(string listener)
    {
        var framing = TestListeners.Framing(listener);
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port(listener), new() { Framing = framing }).Within();
        var payloads = Payloads(client.Codec, seed: listener.Length);

        foreach (var payload in payloads)
        {
            await client.SendAsync(payload).Within();
        }

        foreach (var expected in payloads)
        {
            var echoed = await client.ReceiveAsync().Within();
            Assert.Equal(expected, echoed);
        }
    }

    [Fact]
    public async Task RawFramingDeliversEveryByteInOrder()
    {
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port("raw"), new() { Framing = TestListeners.Framing("raw") }).Within();
        var sent = RandomNumberGenerator.GetBytes(100_000);
        for (var offset = 0; offset < sent.Length; offset += 10_000)
        {
            await client.SendAsync(sent.AsMemory(offset, 10_000)).Within();
        }

        // Raw framing shows TCP as it is: the echo comes back in whatever pieces the reads produce.
        var received = new List<byte>();
        while (received.Count < sent.Length)
        {
            received.AddRange((await client.ReceiveAsync().Within())!);
        }

        Assert.Equal(sent, received.ToArray());
    }

    [Fact]
    public async Task RejectsAPayloadThatTheFramingCannotCarry()
    {
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port("line"), new() { Framing = TestListeners.Framing("line") }).Within();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync("two\nlines").AsTask()).Within();

        Assert.Contains("line feed", error.Message, StringComparison.Ordinal);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task LengthPrefixedFramesUpToTheMaximumTravelWhole()
    {
        var framing = TestListeners.Framing("lp4");
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port("lp4"), new() { Framing = framing }).Within();
        var big = RandomNumberGenerator.GetBytes(FramingOptions.DefaultMaxFrameBytes);

        await client.SendAsync(big).Within();

        Assert.Equal(big, await client.ReceiveAsync().Within());
    }

    private static List<byte[]> Payloads(FrameCodec codec, int seed)
    {
        var random = new Random(seed);
        var payloads = new List<byte[]>();
        if (codec is FixedCodec fixedCodec)
        {
            for (var i = 0; i < 20; i++)
            {
                payloads.Add(Text(random, fixedCodec.FrameBytes));
            }

            return payloads;
        }

        var max = Math.Min(codec.MaxFrameBytes, codec is LengthPrefixedCodec ? 250 : 4000);
        payloads.Add([]);
        payloads.Add(Text(random, 1));
        payloads.Add(Text(random, max));
        for (var i = 0; i < 20; i++)
        {
            payloads.Add(Text(random, random.Next(1, max)));
        }

        // Binary payloads only where the framing allows any byte.
        if (codec is LengthPrefixedCodec)
        {
            var binary = new byte[max];
            random.NextBytes(binary);
            payloads.Add(binary);
        }

        return payloads;
    }

    private static byte[] Text(Random random, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.Next('A', 'z' + 1);
        }

        return bytes;
    }
}
