using System.Buffers;
using System.Text;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using StackExchange.Redis;

namespace KestrelTcp.Server.Cluster.Relay;

/// <summary>
/// The Broker relay of one listener across nodes, on the Redis channel <c>{prefix}:broker:{listener}</c>.
/// Out: the listener's read loops hand every frame to <see cref="Queue"/> (never waiting), and one relay
/// loop publishes the batches, in order, one PUBLISH for many frames; a batch that cannot be published
/// (Redis down, an error, no answer within <see cref="ClusterOptions.CommandTimeout"/>) is dropped and
/// counted, never retried (pub/sub is at-most-once anyway). In: one loop reads the channel in order,
/// checks each message whole (<see cref="RelayMessage"/>: bounded by
/// <see cref="BrokerRelayOptions.RelayMaxBatchBytes"/>, malformed ones dropped and counted), ignores this
/// node's own, frames the payloads with this listener's codec into one pooled block and delivers it to
/// every local session (<see cref="Listener.DeliverFramed"/>: the same outbound limits as a local fan-out).
/// Order is kept per origin session (one queue, one channel, one reader); delivery is at most once.
/// </summary>
internal sealed class ListenerRelay
{
    /// <summary>Drops are logged at most this often per listener and kind (with the count since the last log).</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private const int MaxTrackedOrigins = 1024;

    private readonly Listener _listener;
    private readonly ClusterRedis _redis;
    private readonly ILogger _logger;
    private readonly byte[] _nodeName;
    private readonly int _maxMessageBytes;
    private readonly int _maxInbound;
    private readonly TimeSpan _publishTimeout;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly WarningInterval _unreadableLog = new(LogInterval);
    private readonly WarningInterval _inboundLog = new(LogInterval);
    private Task _publishing = Task.CompletedTask;
    private Task _receiving = Task.CompletedTask;
    private ChannelMessageQueue? _subscription;

    private long _publishedFrames;
    private long _publishedMessages;
    private long _unsentFrames;
    private long _receivedMessages;
    private long _receivedFrames;
    private long _selfMessages;
    private long _unreadableMessages;
    private long _unframeableFrames;
    private long _inboundDropped;
    private long _missedBatches;

    // The publish loop's drop report: what was already logged, when, and the last publish error.
    private long _reportedDrops;
    private long _reportedQueueFull;
    private long _reportedUnsent;
    private long _lastReportTicks = long.MinValue;
    private string _lastPublishError = "none";

    // The receive loop's counts since its last log of each kind.
    private long _unreadableSinceLog;
    private long _inboundDroppedSinceLog;

    public ListenerRelay(Listener listener, BrokerRelayOptions options, ClusterRedis redis, string localNode, TimeSpan publishTimeout, ILogger logger)
    {
        _listener = listener;
        _redis = redis;
        _logger = logger;
        _nodeName = RelayMessage.EncodeNodeName(localNode);
        _maxMessageBytes = options.RelayMaxBatchBytes;
        _maxInbound = options.RelayMaxInboundMessages;
        _publishTimeout = publishTimeout;
        Channel = ChannelFor(redis.Keys, listener.Name);
        Queue = new RelayQueue(options, RelayMessage.HeaderBytes(_nodeName.Length));
    }

    public string ListenerName => _listener.Name;

    public RedisChannel Channel { get; }

    /// <summary>The listener's outgoing queue (its <see cref="Listener.Relay"/>).</summary>
    public RelayQueue Queue { get; }

    /// <summary>Completes once the listener takes relayed frames from other nodes.</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Frames published to the other nodes since start.</summary>
    public long PublishedFrames => Interlocked.Read(ref _publishedFrames);

    /// <summary>Relay messages (PUBLISH commands) sent since start.</summary>
    public long PublishedMessages => Interlocked.Read(ref _publishedMessages);

    /// <summary>Frames taken for the relay but not published: Redis was not connected, or the publish failed or timed out.</summary>
    public long UnsentFrames => Interlocked.Read(ref _unsentFrames);

    /// <summary>Frames not taken for the relay because its queue was at its bound.</summary>
    public long QueueFullFrames => Queue.DroppedFrames;

    /// <summary>All frames this node did not relay: <see cref="QueueFullFrames"/> plus <see cref="UnsentFrames"/>.</summary>
    public long DroppedFrames => QueueFullFrames + UnsentFrames;

    /// <summary>Messages from other nodes read and delivered (this node's own excluded).</summary>
    public long ReceivedMessages => Interlocked.Read(ref _receivedMessages);

    /// <summary>Frames from other nodes delivered to this node's sessions.</summary>
    public long ReceivedFrames => Interlocked.Read(ref _receivedFrames);

    /// <summary>This node's own messages, read back from the channel and ignored.</summary>
    public long SelfMessages => Interlocked.Read(ref _selfMessages);

    /// <summary>Messages dropped unread: larger than <see cref="BrokerRelayOptions.RelayMaxBatchBytes"/>, or malformed.</summary>
    public long UnreadableMessages => Interlocked.Read(ref _unreadableMessages);

    /// <summary>Frames from other nodes that this listener's codec cannot frame (too large for it, a line with a line feed).</summary>
    public long UnframeableFrames => Interlocked.Read(ref _unframeableFrames);

    /// <summary>Messages from other nodes dropped because more than <see cref="BrokerRelayOptions.RelayMaxInboundMessages"/> waited.</summary>
    public long InboundDropped => Interlocked.Read(ref _inboundDropped);

    /// <summary>Batches another node numbered but this one never saw (pub/sub dropped them, or they were sent while this node was away).</summary>
    public long MissedBatches => Interlocked.Read(ref _missedBatches);

    /// <summary>The channel of <paramref name="listener"/>'s relay (listener names are case-insensitive).</summary>
    public static RedisChannel ChannelFor(ClusterKeys keys, string listener) =>
        RedisChannel.Literal($"{keys.Prefix}:broker:{listener.ToLowerInvariant()}");

    public void Start()
    {
        _publishing = Task.Run(PublishLoopAsync, CancellationToken.None);
        _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_publishing, _receiving).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_subscription is { } subscription)
        {
            try
            {
                await subscription.UnsubscribeAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis is gone: so is the subscription.
            }
        }

        Queue.Clear();
    }

    /// <summary>
    /// Reads a message from the channel and delivers its frames to this node's sessions (also the test
    /// entry point for messages that did not come through Redis). Never throws for what the message holds.
    /// </summary>
    internal void Deliver(ReadOnlySpan<byte> message)
    {
        if (message.Length > _maxMessageBytes)
        {
            Unreadable(message.Length, $"larger than KestrelTcp:Cluster:RelayMaxBatchBytes ({_maxMessageBytes})");
            return;
        }

        if (!RelayMessage.TryRead(message, out var node, out var sequence, out var count, out var frames, out var error))
        {
            Unreadable(message.Length, error!);
            return;
        }

        if (node.SequenceEqual(_nodeName))
        {
            Interlocked.Increment(ref _selfMessages);
            return;
        }

        TrackSequence(node, sequence);
        Interlocked.Increment(ref _receivedMessages);
        if (count == 0)
        {
            return;
        }

        var codec = _listener.Codec;
        long encodedLength = 0;
        var walk = frames;
        while (RelayMessage.TryNextFrame(ref walk, out var payload))
        {
            encodedLength += codec.GetEncodedLength(payload.Length);
        }

        // At most RelayMaxBatchBytes of payloads plus each codec's few bytes of framing per frame.
        var block = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, encodedLength));
        var written = 0;
        var framed = 0;
        walk = frames;
        while (RelayMessage.TryNextFrame(ref walk, out var payload))
        {
            if (!codec.TryValidatePayload(payload, out _))
            {
                Interlocked.Increment(ref _unframeableFrames);
                continue;
            }

            written += codec.Encode(payload, block.AsSpan(written));
            framed++;
        }

        Interlocked.Add(ref _receivedFrames, framed);
        _listener.DeliverFramed(block, written, framed);
    }

    private async Task PublishLoopAsync()
    {
        var token = _stopping.Token;
        long sequence = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Queue.WaitAsync(ReportDrops(), token).ConfigureAwait(false);
                while (Queue.TryTake(out var batch))
                {
                    RelayMessage.WriteHeader(batch.Buffer, _nodeName, ++sequence, batch.Frames);
                    var returnBuffer = await PublishAsync(batch, token).ConfigureAwait(false);
                    Queue.Release(batch, returnBuffer);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.RelayLoopFailed(_listener.Name, ex);
            }
        }
    }

    /// <summary>Publishes one batch; true when its buffer may go back to the pool (nothing can write it any more).</summary>
    private async Task<bool> PublishAsync(RelayBatch batch, CancellationToken token)
    {
        var connecting = _redis.ConnectAsync();
        if (!connecting.IsCompletedSuccessfully || !connecting.Result.IsConnected)
        {
            Unsent(batch, "Redis is not connected");
            return true;
        }

        try
        {
            var message = (ReadOnlyMemory<byte>)batch.Buffer.AsMemory(0, batch.Length);
            await connecting.Result.GetSubscriber().PublishAsync(Channel, message).WaitAsync(_publishTimeout, token).ConfigureAwait(false);
            Interlocked.Add(ref _publishedFrames, batch.Frames);
            Interlocked.Increment(ref _publishedMessages);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            // The command may still be written later (it waits in the connection's backlog): its buffer
            // must not be reused, so it is left to the collector.
            Unsent(batch, ex.Message);
            if (ex is OperationCanceledException && token.IsCancellationRequested)
            {
                throw;
            }

            return false;
        }
    }

    private void Unsent(in RelayBatch batch, string error)
    {
        Interlocked.Add(ref _unsentFrames, batch.Frames);
        _lastPublishError = error;
    }

    /// <summary>Logs the frames dropped since the last log, at most once per <see cref="LogInterval"/>; returns
    /// how long to wait before logging again when some are not logged yet (null: nothing pending).</summary>
    private TimeSpan? ReportDrops()
    {
        if (DroppedFrames == _reportedDrops)
        {
            return null;
        }

        var now = Environment.TickCount64;
        var since = now - _lastReportTicks;
        if (_lastReportTicks != long.MinValue && since < (long)LogInterval.TotalMilliseconds)
        {
            return TimeSpan.FromMilliseconds((long)LogInterval.TotalMilliseconds - since);
        }

        // Rearm the queue's wake-up before reading the counts: a drop after this read wakes the loop again.
        Queue.DropsReported();
        var queueFull = QueueFullFrames;
        var unsent = UnsentFrames;
        var drops = queueFull + unsent;
        var seconds = _lastReportTicks == long.MinValue ? (int)LogInterval.TotalSeconds : (int)Math.Min(int.MaxValue, since / 1000);
        _logger.RelayFramesDropped(_listener.Name, drops - _reportedDrops, Math.Max(1, seconds), queueFull - _reportedQueueFull, unsent - _reportedUnsent, _lastPublishError);
        _reportedDrops = drops;
        _reportedQueueFull = queueFull;
        _reportedUnsent = unsent;
        _lastReportTicks = now;
        return null;
    }

    private async Task ReceiveLoopAsync()
    {
        var token = _stopping.Token;
        var subscription = await SubscribeAsync(token).ConfigureAwait(false);
        if (subscription is null)
        {
            return;
        }

        while (!token.IsCancellationRequested)
        {
            ChannelMessage message;
            try
            {
                message = await subscription.ReadAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                return;
            }

            ShedInbound(subscription);
            try
            {
                ReadOnlyMemory<byte> bytes = message.Message;
                Deliver(bytes.Span);
            }
            catch (Exception ex)
            {
                _logger.RelayLoopFailed(_listener.Name, ex);
            }
        }
    }

    private async Task<ChannelMessageQueue?> SubscribeAsync(CancellationToken token)
    {
        using var retry = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (true)
        {
            try
            {
                var connection = await _redis.ConnectAsync().WaitAsync(token).ConfigureAwait(false);
                var subscription = await connection.GetSubscriber().SubscribeAsync(Channel).WaitAsync(token).ConfigureAwait(false);
                _subscription = subscription;
                _logger.RelaySubscribed(_listener.Name, Channel.ToString());
                _subscribed.TrySetResult();
                return subscription;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return null;
            }
            catch (RedisException ex)
            {
                _logger.RelaySubscribeFailed(_listener.Name, _redis.Endpoint, ex.Message);
            }

            try
            {
                await retry.WaitForNextTickAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    /// <summary>Drops the oldest messages waiting beyond <see cref="BrokerRelayOptions.RelayMaxInboundMessages"/>.</summary>
    private void ShedInbound(ChannelMessageQueue subscription)
    {
        if (!subscription.TryGetCount(out var waiting) || waiting <= _maxInbound)
        {
            return;
        }

        long shed = 0;
        while (waiting-- > _maxInbound && subscription.TryRead(out _))
        {
            shed++;
        }

        Interlocked.Add(ref _inboundDropped, shed);
        _inboundDroppedSinceLog += shed;
        if (_inboundLog.TryTake())
        {
            _logger.RelayInboundDropped(_listener.Name, _inboundDroppedSinceLog, (int)LogInterval.TotalSeconds, _maxInbound);
            _inboundDroppedSinceLog = 0;
        }
    }

    private void Unreadable(long bytes, string error)
    {
        Interlocked.Increment(ref _unreadableMessages);
        _unreadableSinceLog++;
        if (_unreadableLog.TryTake())
        {
            _logger.RelayMessageUnreadable(_listener.Name, _unreadableSinceLog, (int)LogInterval.TotalSeconds, bytes, error);
            _unreadableSinceLog = 0;
        }
    }

    /// <summary>Counts the batches of <paramref name="node"/> skipped before <paramref name="sequence"/>; a
    /// lower number is a restarted node, counted afresh.</summary>
    private void TrackSequence(ReadOnlySpan<byte> node, long sequence)
    {
        Span<char> name = stackalloc char[node.Length];
        Encoding.ASCII.GetChars(node, name);
        var lookup = _lastSequence.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(name, out var last))
        {
            if (sequence > last + 1)
            {
                Interlocked.Add(ref _missedBatches, sequence - last - 1);
            }

            lookup[name] = sequence;
            return;
        }

        if (_lastSequence.Count >= MaxTrackedOrigins)
        {
            _lastSequence.Clear();
        }

        lookup[name] = sequence;
    }
}
