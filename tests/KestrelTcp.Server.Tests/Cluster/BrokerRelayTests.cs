using System.Net.Http.Json;
using System.Text;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Relay;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// Issue 12, point 4, "Broker mode relays across nodes", on a real redis-server: a frame a Broker session
/// receives on one node reaches the same listener's sessions on the other nodes, framed by each receiving
/// listener's codec, once, in order, and never back to its own node; the node's own Broker keeps working
/// with Redis down, and what the relay cannot carry is dropped and counted, never waited for.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BrokerRelayTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AFrameFromABrokerSessionReachesTheListenersSessionsOnEveryOtherNodeOnceAndNotItsSender()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");
        await using var c = await StartNodeAsync(redis, "node-c");
        await using var sender = await a.ConnectAsync("chat");
        await using var besideSender = await a.ConnectAsync("chat");
        await using var onB = await b.ConnectAsync("chat");
        await using var onC = await c.ConnectAsync("chat");
        await a.WaitForSessionCountAsync(2);
        await b.WaitForSessionCountAsync(1);
        await c.WaitForSessionCountAsync(1);

        await sender.SendLineAsync("hello");

        Assert.Equal("hello", await onB.ReceiveLineAsync(Timeout));
        Assert.Equal("hello", await onC.ReceiveLineAsync(Timeout));
        Assert.Equal("hello", await besideSender.ReceiveLineAsync(Timeout));

        // A marker from node b goes everywhere else: it is the next line each one reads, so nobody got
        // "hello" twice and the sender never got its own frame back (from its node or from another one).
        await onB.SendLineAsync("marker");
        Assert.Equal("marker", await sender.ReceiveLineAsync(Timeout));
        Assert.Equal("marker", await besideSender.ReceiveLineAsync(Timeout));
        Assert.Equal("marker", await onC.ReceiveLineAsync(Timeout));
        Assert.True(await onB.ReceivesNothingAsync(TimeSpan.FromMilliseconds(300)), "node b's sender got a frame back");

        // Each node read its own message back from the channel and ignored it.
        var relayA = Relay(a);
        await Eventually.WaitAsync(() => relayA.SelfMessages >= 1, Timeout, "node a ignores its own relay message");
        Assert.Equal(1, relayA.PublishedFrames);
        Assert.Equal(1, relayA.ReceivedFrames);
        Assert.Equal(0, relayA.DroppedFrames);
        Assert.Equal(0, Relay(b).UnreadableMessages);

        // The API shows the same counters on the Broker listener (and none on a listener that does not relay).
        using var api = a.CreateHttpClient();
        var listeners = await api.GetFromJsonAsync<ListenerInfo[]>("/api/listeners", Json.Options).WaitAsync(Timeout);
        var chat = listeners!.Single(l => l.Name == "chat").Relay!;
        Assert.Equal((1, 1, 0, 0), (chat.PublishedFrames, chat.ReceivedFrames, chat.QueueFullFrames, chat.UnsentFrames));
        Assert.All(listeners!.Where(l => l.Mode != Server.Hosting.ListenerMode.Broker), l => Assert.Null(l.Relay));
    }

    [Fact]
    public async Task RelayedFramesAreFramedByTheReceivingListenersCodec()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b", framing: "LengthPrefixed");
        await using var onA = await a.ConnectAsync("chat");
        await using var onB = await b.ConnectAsync("chat");
        await a.WaitForSessionCountAsync(1);
        await b.WaitForSessionCountAsync(1);
        var lengthPrefixed = new LengthPrefixedCodec();

        await onA.SendLineAsync("from a line listener");
        await onB.SendFrameAsync(lengthPrefixed, "from b"u8.ToArray());

        Assert.Equal("from a line listener"u8.ToArray(), await onB.ReceiveFrameAsync(lengthPrefixed, Timeout));
        Assert.Equal("from b", await onA.ReceiveLineAsync(Timeout));
    }

    [Fact]
    public async Task ManyFramesArriveOnTheOtherNodeInTheOrderTheyWereSent()
    {
        const int Frames = 3000;
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");
        await using var first = await a.ConnectAsync("chat");
        await using var second = await a.ConnectAsync("chat");
        await using var onB = await b.ConnectAsync("chat");
        await a.WaitForSessionCountAsync(2);
        await b.WaitForSessionCountAsync(1);

        // Two senders at once, each in several writes: per sender, the order it sent is the order node b sees.
        var sending = Task.WhenAll(SendNumberedAsync(first, "x", Frames), SendNumberedAsync(second, "y", Frames));
        var next = new Dictionary<char, int> { ['x'] = 0, ['y'] = 0 };
        for (var i = 0; i < 2 * Frames; i++)
        {
            var line = await onB.ReceiveLineAsync(Timeout);
            var origin = line[0];
            Assert.Equal(next[origin], int.Parse(line.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture));
            next[origin]++;
        }

        await sending;
        Assert.Equal(Frames, next['x']);
        Assert.Equal(Frames, next['y']);
        Assert.True(Relay(a).PublishedMessages < 2 * Frames, $"{Relay(a).PublishedMessages} publishes for {2 * Frames} frames: frames were not batched");
        Assert.Equal(0, Relay(a).DroppedFrames);
    }

    [Fact]
    public async Task WithRedisDownTheLocalBrokerKeepsRelayingTheRelayDropsAreCountedAndItResumesWhenRedisReturns()
    {
        const int Frames = 2000;
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartNodeAsync(redis, "node-a");
        await using var b = await StartNodeAsync(redis, "node-b");
        await using var sender = await a.ConnectAsync("chat");
        await using var peer = await a.ConnectAsync("chat");
        await using var onB = await b.ConnectAsync("chat");
        await a.WaitForSessionCountAsync(2);
        await b.WaitForSessionCountAsync(1);
        var relay = Relay(a);
        var clusterRedis = a.GetRequiredService<ClusterRedis>();

        await redis.StopAsync();
        await Eventually.WaitAsync(() => !clusterRedis.IsConnected, Timeout, "node a sees Redis gone");

        // Every frame still reaches the peer on the same node, promptly: no read loop waits on Redis.
        await sender.SendAsync(NumberedLines("z", Frames));
        for (var i = 0; i < Frames; i++)
        {
            Assert.Equal($"z{i}", await peer.ReceiveLineAsync(TimeSpan.FromSeconds(5)));
        }

        await Eventually.WaitAsync(() => relay.DroppedFrames == Frames, Timeout, $"all {Frames} frames counted as not relayed (counted {relay.DroppedFrames})");
        Assert.Equal(0, relay.PublishedFrames);
        Assert.Equal(0, relay.Queue.HeldBytes);

        // Redis back: both nodes subscribe again by themselves, and the relay carries frames again.
        await redis.StartAgainAsync();
        await using var probe = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConfigurationString);
        var channel = relay.Channel.ToString();
        await Eventually.WaitAsync(() => SubscriberCount(probe, channel) == 2 && clusterRedis.IsConnected, Timeout, "both nodes subscribed again");
        await sender.SendLineAsync("back");
        Assert.Equal("back", await onB.ReceiveLineAsync(Timeout));
        Assert.Equal("back", await peer.ReceiveLineAsync(Timeout));
    }

    [Theory]
    [InlineData("RelayMaxQueueFrames", "4", 5000, 20)]
    [InlineData("RelayMaxQueueBytes", "32768", 2000, 200)]
    public async Task FramesBeyondTheRelayQueueBoundAreDroppedFromTheRelayAndCountedWhileLocalPeersGetThemAll(string key, string value, int frames, int width)
    {
        await using var redis = await RedisServer.StartAsync();
        var bounds = new Dictionary<string, string?> { [$"KestrelTcp:Cluster:{key}"] = value, ["KestrelTcp:Cluster:RelayMaxBatchBytes"] = "16384" };
        await using var a = await StartNodeAsync(redis, "node-a", bounds);
        await using var b = await StartNodeAsync(redis, "node-b");
        await using var sender = await a.ConnectAsync("chat");
        await using var peer = await a.ConnectAsync("chat");
        await using var onB = await b.ConnectAsync("chat");
        await a.WaitForSessionCountAsync(2);
        await b.WaitForSessionCountAsync(1);
        var relay = Relay(a);

        // One burst, far faster than batches can travel through Redis and back.
        await sender.SendAsync(NumberedLines("n", frames, width));
        for (var i = 0; i < frames; i++)
        {
            Assert.Equal(i, Number(await peer.ReceiveLineAsync(TimeSpan.FromSeconds(5))));
        }

        await Eventually.WaitAsync(() => relay.Queue.AcceptedFrames + relay.QueueFullFrames == frames && relay.PublishedFrames + relay.UnsentFrames == relay.Queue.AcceptedFrames, Timeout, "the burst is relayed or dropped");
        Assert.True(relay.QueueFullFrames > 0, $"no frame was dropped at the bound ({key}={value})");
        Assert.Equal(0, relay.UnsentFrames);

        // Node b got exactly what was published, in order; a frame after the burst still travels.
        var published = relay.PublishedFrames;
        await sender.SendLineAsync("after");
        var last = -1;
        for (var i = 0; i < published; i++)
        {
            var number = Number(await onB.ReceiveLineAsync(Timeout));
            Assert.True(number > last, $"frame {number} after {last}");
            last = number;
        }

        Assert.Equal("after", await onB.ReceiveLineAsync(Timeout));
    }

    [Fact]
    public async Task MalformedOversizeAndOwnRelayMessagesAreIgnoredAndCountedAndTheNodeKeepsRelaying()
    {
        await using var redis = await RedisServer.StartAsync();
        var small = new Dictionary<string, string?> { ["KestrelTcp:Cluster:RelayMaxBatchBytes"] = "16384" };
        await using var a = await StartNodeAsync(redis, "node-a", small);
        await using var b = await StartNodeAsync(redis, "node-b", small);
        await using var onA = await a.ConnectAsync("chat");
        await using var onB = await b.ConnectAsync("chat");
        await a.WaitForSessionCountAsync(1);
        await b.WaitForSessionCountAsync(1);
        var relay = Relay(b);
        await using var raw = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConfigurationString);
        var publisher = raw.GetSubscriber();

        byte[][] unreadable =
        [
            "not a relay message"u8.ToArray(),
            [],
            Message("node-x", 1, ["ok"])[..^1],                      // the last frame cut short
            Message("node-x", 1, ["ok"]).Concat(new byte[] { 0 }).ToArray(), // a byte after the last frame
            WithByte(Message("node-x", 1, ["ok"]), 2, 9),              // a version this node does not read
            WithByte(Message("node-x", 1, ["ok"]), 3, 0),              // no node name
            CountSaying(Message("node-x", 1, ["ok"]), int.MaxValue),   // more frames than bytes
            Message("node-x", 1, [new string('o', 16384)]),            // larger than RelayMaxBatchBytes
        ];
        foreach (var message in unreadable)
        {
            await publisher.PublishAsync(relay.Channel, message);
        }

        // Node b's own name in the header: ignored by node b. A frame a Line listener cannot frame: skipped, counted.
        await publisher.PublishAsync(relay.Channel, Message("node-b", 1, ["mine"]));
        await publisher.PublishAsync(relay.Channel, Message("node-x", 1, ["one\ntwo", "good"]));

        Assert.Equal("good", await onB.ReceiveLineAsync(Timeout));
        await Eventually.WaitAsync(() => relay.UnreadableMessages == unreadable.Length, Timeout, $"{unreadable.Length} unreadable messages counted (counted {relay.UnreadableMessages})");
        Assert.Equal(1, relay.UnframeableFrames);
        Assert.True(relay.SelfMessages >= 1);

        // Node a shares the channel: it took node b's message and node x's good frame like any other.
        Assert.Equal("mine", await onA.ReceiveLineAsync(Timeout));
        Assert.Equal("good", await onA.ReceiveLineAsync(Timeout));

        // Still relaying both ways.
        await onA.SendLineAsync("after");
        Assert.Equal("after", await onB.ReceiveLineAsync(Timeout));
        await onB.SendLineAsync("reply");
        Assert.Equal("reply", await onA.ReceiveLineAsync(Timeout));
    }

    [Fact]
    public async Task AWellFormedMessageFromAnotherNodeIsDeliveredInOrderAndGapsInItsBatchNumbersAreCounted()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var b = await StartNodeAsync(redis, "node-b");
        await using var onB = await b.ConnectAsync("chat");
        await using var otherOnB = await b.ConnectAsync("chat");
        await b.WaitForSessionCountAsync(2);
        var relay = Relay(b);
        await using var raw = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConfigurationString);

        await raw.GetSubscriber().PublishAsync(relay.Channel, Message("node-x", 1, ["one", "two"]));
        await raw.GetSubscriber().PublishAsync(relay.Channel, Message("node-x", 4, ["three"]));

        foreach (var session in new[] { onB, otherOnB })
        {
            Assert.Equal("one", await session.ReceiveLineAsync(Timeout));
            Assert.Equal("two", await session.ReceiveLineAsync(Timeout));
            Assert.Equal("three", await session.ReceiveLineAsync(Timeout));
        }

        Assert.Equal(2, relay.MissedBatches);
        Assert.Equal(3, relay.ReceivedFrames);
    }

    [Fact]
    public async Task ASingleNodeBrokerHasNoRelay()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("chat", "Broker"), includeDefaultListener: false);

        Assert.Null(server.GetRequiredService<ListenerCatalog>().Find("chat")!.Relay);
        Assert.Null(server.App.Services.GetService(typeof(BrokerRelay)));
    }

    [Theory]
    [InlineData("RelayMaxBatchBytes", "1024")]
    [InlineData("RelayMaxQueueBytes", "1000")]
    [InlineData("RelayMaxQueueFrames", "0")]
    [InlineData("RelayMaxInboundMessages", "0")]
    public async Task AnOutOfRangeRelayBoundStopsTheServerNamingTheKey(string key, string value)
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = ClusterSettings.For(redis, "a", Settings.Listener("chat", "Broker"));
        settings[$"KestrelTcp:Cluster:{key}"] = value;

        var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestServer.StartAsync(settings, includeDefaultListener: false)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains($"KestrelTcp:Cluster:{key}", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABatchTooSmallForABrokerListenersLargestFrameStopsTheServerNamingBoth()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = ClusterSettings.For(redis, "a", Settings.Listener("chat", "Broker", "Line", ("Framing:MaxFrameBytes", "65536")));
        settings["KestrelTcp:Cluster:RelayMaxBatchBytes"] = "65536";

        var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestServer.StartAsync(settings, includeDefaultListener: false)).WaitAsync(TimeSpan.FromSeconds(60));

        var failures = string.Join(" ", error.Failures);
        Assert.Contains("KestrelTcp:Cluster:RelayMaxBatchBytes must be at least 65616", failures, StringComparison.Ordinal);
        Assert.Contains("'chat'", failures, StringComparison.Ordinal);
    }

    private static async Task<TestServer> StartNodeAsync(RedisServer redis, string name, IDictionary<string, string?>? more = null, string framing = "Line")
    {
        var settings = ClusterSettings.For(redis, name, Settings.Listener("chat", "Broker", framing));
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        await server.GetRequiredService<BrokerRelay>().Subscribed.WaitAsync(Timeout);
        return server;
    }

    private static ListenerRelay Relay(TestServer server) => server.GetRequiredService<BrokerRelay>().Find("chat")!;

    private static long SubscriberCount(StackExchange.Redis.ConnectionMultiplexer probe, string channel)
    {
        try
        {
            var result = probe.GetDatabase().Execute("PUBSUB", "NUMSUB", channel);
            return (long)((StackExchange.Redis.RedisResult[])result!)[1];
        }
        catch (StackExchange.Redis.RedisException)
        {
            return -1;
        }
    }

    private static async Task SendNumberedAsync(TestTcpClient client, string prefix, int count)
    {
        const int PerWrite = 250;
        for (var start = 0; start < count; start += PerWrite)
        {
            var text = new StringBuilder();
            for (var i = start; i < Math.Min(count, start + PerWrite); i++)
            {
                text.Append(prefix).Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            }

            await client.SendAsync(text.ToString());
        }
    }

    /// <summary>Lines "{prefix}{i}", padded with dots to <paramref name="width"/> characters, for i from 0.</summary>
    private static byte[] NumberedLines(string prefix, int count, int width = 0)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var line = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            text.Append(line.PadRight(width, '.')).Append('\n');
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private static int Number(string line) =>
        int.Parse(line.AsSpan(1).TrimEnd('.'), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A relay message as the README documents it, written here byte by byte (not with the server's writer).</summary>
    private static byte[] Message(string node, long sequence, string[] frames)
    {
        var bytes = new List<byte> { (byte)'K', (byte)'R', 1, (byte)node.Length };
        bytes.AddRange(Encoding.ASCII.GetBytes(node));
        bytes.AddRange(BitConverter.GetBytes(sequence));
        bytes.AddRange(BitConverter.GetBytes(frames.Length));
        foreach (var frame in frames)
        {
            var payload = Encoding.UTF8.GetBytes(frame);
            bytes.AddRange(BitConverter.GetBytes(payload.Length));
            bytes.AddRange(payload);
        }

        return [.. bytes];
    }

    private static byte[] WithByte(byte[] message, int index, byte value)
    {
        message[index] = value;
        return message;
    }

    private static byte[] CountSaying(byte[] message, int count)
    {
        var at = 4 + message[3] + 8;
        BitConverter.GetBytes(count).CopyTo(message, at);
        return message;
    }
}
