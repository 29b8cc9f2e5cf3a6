using System.Buffers.Binary;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Tests.Sessions;

public sealed class OutboundQueueTests
{
    [Fact]
    public void KeepsOrderWhileTheRingWrapsAndGrows()
    {
        var queue = new OutboundQueue();
        var next = 0;
        var expected = 0;

        // Uneven bursts of writes and reads move the head around the ring, and bursts longer than
        // the ring make it grow while the head is in the middle.
        foreach (var (writes, reads) in new[] { (3, 2), (3, 3), (5, 1), (9, 4), (1, 10), (40, 17), (2, 26) })
        {
            for (var i = 0; i < writes; i++)
            {
                Assert.True(queue.TryWrite(Frame(0, next++), wake: false));
            }

            for (var i = 0; i < reads; i++)
            {
                Assert.True(queue.TryRead(out var frame));
                Assert.Equal((0, expected++), Read(frame));
            }
        }

        Assert.Equal(next, expected);
        Assert.False(queue.TryRead(out _));
    }

    [Fact]
    public async Task DeliversEveryFrameOfConcurrentProducersInEachProducersOrder()
    {
        const int Producers = 4;
        const int PerProducer = 50_000;
        var queue = new OutboundQueue();
        var received = new int[Producers];

        // The single consumer, the way the write loop uses the queue: wait, then drain.
        var consumer = Task.Run(async () =>
        {
            var total = 0;
            while (await queue.WaitToReadAsync())
            {
                while (queue.TryRead(out var frame))
                {
                    var (producer, sequence) = Read(frame);
                    Assert.Equal(received[producer], sequence);
                    received[producer]++;
                    total++;
                }
            }

            return total;
        });

        // Some producers wake the writer on every frame, some only after a batch, as the read loop does.
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                var wakeEach = p % 2 == 0;
                Assert.True(queue.TryWrite(Frame(p, i), wake: wakeEach || i % 16 == 15 || i == PerProducer - 1));
            }
        })).ToArray();
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(30));
        queue.Complete();

        var total = await consumer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Producers * PerProducer, total);
        Assert.All(received, count => Assert.Equal(PerProducer, count));
        Assert.False(queue.TryWrite(Frame(0, 0)));
    }

    [Fact]
    public async Task AWaitingWriterWakesForAFrameAndForTheEnd()
    {
        var queue = new OutboundQueue();
        var waiting = queue.WaitToReadAsync();
        Assert.False(waiting.IsCompleted);

        Assert.True(queue.TryWrite(Frame(0, 7)));
        Assert.True(await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(queue.TryRead(out var frame));
        Assert.Equal((0, 7), Read(frame));

        waiting = queue.WaitToReadAsync();
        Assert.False(waiting.IsCompleted);
        queue.Complete();
        Assert.False(await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private static OutboundFrame Frame(int producer, int sequence)
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(payload, producer);
        BinaryPrimitives.WriteInt32BigEndian(payload[4..], sequence);
        return OutboundFrame.Copy(payload);
    }

    private static (int Producer, int Sequence) Read(OutboundFrame frame)
    {
        var span = frame.Span;
        var result = (BinaryPrimitives.ReadInt32BigEndian(span), BinaryPrimitives.ReadInt32BigEndian(span[4..]));
        frame.Return();
        return result;
    }
}
