using System.Buffers.Binary;
using System.Security.Cryptography;
using KestrelTcp.Client.Tests.Helpers;

namespace KestrelTcp.Client.Tests;

/// <summary>Sends are thread-safe: many threads sending at once never interleave bytes of their frames.</summary>
public sealed class ConcurrentSendTests : IClassFixture<EchoServerFixture>
{
    private const int Threads = 8;
    private const int FramesPerThread = 400;
    private readonly EchoServerFixture _fixture;

    public ConcurrentSendTests(EchoServerFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("lp4")]
    [InlineData("delim-crlf")]
    public async Task ManyThreadsSendingAtOnceDeliverEveryFrameWholeAndIntact(string listener)
    {
        var binary = listener.StartsWith("lp", StringComparison.Ordinal);
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port(listener), new()
        {
            Framing = TestListeners.Framing(listener),
            ReceiveQueueCapacity = Threads * FramesPerThread,
        }).Within();
        using var start = new Barrier(Threads);

        // Real threads released together; half use the blocking Send, half SendAsync.
        var senders = Enumerable.Range(0, Threads).Select(thread => Wait.OnOwnThread(() =>
        {
            start.SignalAndWait(Wait.Timeout);
            for (var i = 0; i < FramesPerThread; i++)
            {
                var payload = Payload(thread, i, binary);
                if (thread % 2 == 0)
                {
                    client.Send(payload, 5000);
                }
                else
                {
                    client.SendAsync(payload).AsTask().Wait(Wait.Timeout);
                }
            }
        })).ToArray();
        await Task.WhenAll(senders).Within();

        var next = new int[Threads];
        for (var n = 0; n < Threads * FramesPerThread; n++)
        {
            var frame = (await client.ReceiveAsync().Within())!;
            var (thread, index) = Check(frame, binary);

            // Each thread's frames keep their order; frames of different threads may interleave.
            Assert.Equal(next[thread], index);
            next[thread]++;
        }

        Assert.All(next, count => Assert.Equal(FramesPerThread, count));
    }

    /// <summary>thread, index, a body whose length varies with the index, and a hash of all of it.</summary>
    private static byte[] Payload(int thread, int index, bool binary)
    {
        var bodyLength = 1 + ((index * 37) % 900);
        var body = new byte[bodyLength];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = binary ? (byte)(thread * 31 + index + i) : (byte)('a' + ((thread + index + i) % 26));
        }

        var head = binary ? new byte[8] : System.Text.Encoding.ASCII.GetBytes($"{thread:D2}{index:D6}");
        if (binary)
        {
            BinaryPrimitives.WriteInt32BigEndian(head, thread);
            BinaryPrimitives.WriteInt32BigEndian(head.AsSpan(4), index);
        }

        var hash = Convert.ToHexString(SHA256.HashData([.. head, .. body]))[..16];
        return [.. head, .. body, .. System.Text.Encoding.ASCII.GetBytes(hash)];
    }

    private static (int Thread, int Index) Check(byte[] frame, bool binary)
    {
        var headLength = binary ? 8 : 8;
        var content = frame.AsSpan(0, frame.Length - 16);
        var hash = System.Text.Encoding.ASCII.GetString(frame.AsSpan(frame.Length - 16));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(content))[..16], hash);
        return binary
            ? (BinaryPrimitives.ReadInt32BigEndian(frame), BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4)))
            : (int.Parse(System.Text.Encoding.ASCII.GetString(frame, 0, 2), System.Globalization.CultureInfo.InvariantCulture),
               int.Parse(System.Text.Encoding.ASCII.GetString(frame, 2, headLength - 2), System.Globalization.CultureInfo.InvariantCulture));
    }
}
