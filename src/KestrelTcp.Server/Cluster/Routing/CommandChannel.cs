using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>
/// The per-node command channel on Redis pub/sub. This node subscribes to its own command channel and its
/// own reply channel; <see cref="RequestAsync"/> publishes a <see cref="NodeRequest"/> on the owner's
/// command channel and waits for the <see cref="NodeReply"/> with the same id. Pub/sub is at-most-once,
/// so nothing is assumed: no subscriber (PUBLISH counts 0) fails at once as Unreachable, Redis not
/// connected fails at once as Unreachable, no answer within <see cref="ClusterOptions.CommandTimeout"/> is
/// a Timeout. Bounded: messages by <see cref="CommandChannelOptions.MaxCommandBytes"/> both ways, requests
/// waited on by <see cref="CommandChannelOptions.MaxPendingCommands"/>, requests carried out for others by
/// <see cref="CommandChannelOptions.MaxConcurrentRemoteCommands"/>; a reply nobody waits for is dropped.
/// Never on the data path.
/// </summary>
internal sealed class CommandChannel : IHostedService
{
    private readonly ClusterRedis _redis;
    private readonly LocalNode _local;
    private readonly NodeRequestHandler _handler;
    private readonly ILogger<CommandChannel> _logger;
    private readonly TimeSpan _timeout;
    private readonly CommandChannelOptions _limits;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<NodeReply>> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private int _pendingCount;
    private int _executing;
    private long _droppedReplies;
    private Task? _subscribeLoop;

    public CommandChannel(ClusterRedis redis, LocalNode local, NodeRequestHandler handler, IOptions<ClusterOptions> options, IOptions<CommandChannelOptions> limits, ILogger<CommandChannel> logger)
    {
        _redis = redis;
        _local = local;
        _handler = handler;
        _logger = logger;
        _timeout = options.Value.CommandTimeout;
        _limits = limits.Value;
    }

    /// <summary>Completes once this node takes commands and replies (for tests and readiness).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Requests waiting for an answer now.</summary>
    public int Pending => Volatile.Read(ref _pendingCount);

    /// <summary>Replies dropped because no request of their id waited.</summary>
    public long DroppedReplies => Interlocked.Read(ref _droppedReplies);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Redis may be down at start: the node starts anyway and subscribes when it can.
        _subscribeLoop = Task.Run(SubscribeUntilDoneAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_subscribeLoop is not null)
        {
            await _subscribeLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_subscribed.Task.IsCompletedSuccessfully)
        {
            try
            {
                var connection = await _redis.ConnectAsync().ConfigureAwait(false);
                var subscriber = connection.GetSubscriber();
                await subscriber.UnsubscribeAsync(_redis.Keys.Commands(_local.Name)).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                await subscriber.UnsubscribeAsync(_redis.Keys.Replies(_local.Name)).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis is gone: so are the subscriptions.
            }
        }

        foreach (var (id, waiter) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                waiter.TrySetCanceled(CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="node"/> and returns its answer. Throws
    /// <see cref="NodeCallException"/> when there is none (naming the node and why); never waits longer
    /// than the command timeout.
    /// </summary>
    public async Task<NodeReply> RequestAsync(string node, NodeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(request, RoutingJson.Default.NodeRequest);
        if (bytes.Length > _limits.MaxCommandBytes)
        {
            throw Fail(request.Kind, node, NodeCallFailure.TooLarge, $"The {request.Kind} for node {node} is {bytes.Length} bytes as a message between nodes; at most {_limits.MaxCommandBytes} travel (KestrelTcp:Cluster:MaxCommandBytes).");
        }

        if (Interlocked.Increment(ref _pendingCount) > _limits.MaxPendingCommands)
        {
            Interlocked.Decrement(ref _pendingCount);
            throw Fail(request.Kind, node, NodeCallFailure.TooManyInFlight, $"Too many commands in flight: this node already waits on {_limits.MaxPendingCommands} answers from other nodes (KestrelTcp:Cluster:MaxPendingCommands); the {request.Kind} for node {node} was not sent.");
        }

        var waiter = new TaskCompletionSource<NodeReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.Id] = waiter;
        try
        {
            var connection = await _redis.ConnectAsync().ConfigureAwait(false);
            if (!connection.IsConnected)
            {
                throw Fail(request.Kind, node, NodeCallFailure.Unreachable, $"Node {node} is not reachable: Redis ({_redis.Endpoint}) is not connected, so the {request.Kind} cannot travel to it.");
            }

            if (!_subscribed.Task.IsCompletedSuccessfully)
            {
                throw Fail(request.Kind, node, NodeCallFailure.Unreachable, $"Node {node} is not reachable: this node is not yet subscribed to its reply channel on Redis ({_redis.Endpoint}).");
            }

            long receivers;
            try
            {
                receivers = await connection.GetSubscriber().PublishAsync(_redis.Keys.Commands(node), bytes)
                    .WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                throw Fail(request.Kind, node, NodeCallFailure.Unreachable, $"Node {node} is not reachable: publishing to Redis ({_redis.Endpoint}) failed: {ex.Message}", ex);
            }

            if (receivers == 0)
            {
                throw Fail(request.Kind, node, NodeCallFailure.Unreachable, $"Node {node} is not reachable: nothing takes its command channel (it is down, or cut off from Redis).");
            }

            try
            {
                return await waiter.Task.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw Fail(request.Kind, node, NodeCallFailure.Timeout, $"Node {node} did not answer the {request.Kind} within {_timeout.TotalSeconds:0.###} s (KestrelTcp:Cluster:CommandTimeout); it may or may not have carried it out.");
            }
        }
        finally
        {
            _pending.TryRemove(request.Id, out _);
            Interlocked.Decrement(ref _pendingCount);
        }
    }

    /// <summary>A new request id: unique across nodes and restarts.</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString("N");

    private NodeCallException Fail(NodeRequestKind kind, string node, NodeCallFailure failure, string message, Exception? inner = null)
    {
        _logger.NodeCallFailed(kind, node, failure, message);
        return new NodeCallException(node, failure, message, inner);
    }

    private async Task SubscribeUntilDoneAsync()
    {
        var token = _stopping.Token;
        using var retry = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            try
            {
                var connection = await _redis.ConnectAsync().WaitAsync(token).ConfigureAwait(false);
                var subscriber = connection.GetSubscriber();
                var replies = await subscriber.SubscribeAsync(_redis.Keys.Replies(_local.Name)).WaitAsync(token).ConfigureAwait(false);
                replies.OnMessage(OnReply);
                var commands = await subscriber.SubscribeAsync(_redis.Keys.Commands(_local.Name)).WaitAsync(token).ConfigureAwait(false);
                commands.OnMessage(OnCommand);
                _logger.CommandChannelSubscribed(_local.Name, _redis.Keys.Commands(_local.Name).ToString());
                _subscribed.TrySetResult();
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException ex)
            {
                _logger.CommandChannelSubscribeFailed(_redis.Endpoint, ex.Message);
            }
        }
        while (await WaitNext(retry, token).ConfigureAwait(false));
    }

    private static async Task<bool> WaitNext(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void OnReply(ChannelMessage message)
    {
        if (!TryRead(message, RoutingJson.Default.NodeReply, out var reply))
        {
            return;
        }

        if (_pending.TryRemove(reply.Id, out var waiter))
        {
            waiter.TrySetResult(reply);
        }
        else
        {
            Interlocked.Increment(ref _droppedReplies);
            _logger.ReplyDropped(reply.From, reply.Id);
        }
    }

    private void OnCommand(ChannelMessage message)
    {
        if (!TryRead(message, RoutingJson.Default.NodeRequest, out var request))
        {
            return;
        }

        if (Interlocked.Increment(ref _executing) > _limits.MaxConcurrentRemoteCommands)
        {
            Interlocked.Decrement(ref _executing);
            _logger.RemoteCommandsBusy(request.Kind, request.From, _limits.MaxConcurrentRemoteCommands);
            _ = ReplyAsync(request, new NodeReply(request.Id, _local.Name, NodeReplyStatus.Busy, $"Node {_local.Name} has {_limits.MaxConcurrentRemoteCommands} commands from other nodes in hand (KestrelTcp:Cluster:MaxConcurrentRemoteCommands)."));
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                NodeReply reply;
                try
                {
                    reply = await _handler.HandleAsync(request, _stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.RemoteCommandFailed(request.Kind, request.From, ex);
                    reply = new NodeReply(request.Id, _local.Name, NodeReplyStatus.Failed, $"Node {_local.Name} failed to carry out the {request.Kind}: {ex.Message}");
                }

                await ReplyAsync(request, reply).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _executing);
            }
        });
    }

    private async Task ReplyAsync(NodeRequest request, NodeReply reply)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(reply, RoutingJson.Default.NodeReply);
        if (bytes.Length > _limits.MaxCommandBytes)
        {
            bytes = JsonSerializer.SerializeToUtf8Bytes(
                new NodeReply(request.Id, _local.Name, NodeReplyStatus.Failed, $"Node {_local.Name}'s answer to the {request.Kind} is {bytes.Length} bytes; at most {_limits.MaxCommandBytes} travel (KestrelTcp:Cluster:MaxCommandBytes)."),
                RoutingJson.Default.NodeReply);
        }

        try
        {
            var connection = await _redis.ConnectAsync().ConfigureAwait(false);
            await connection.GetSubscriber().PublishAsync(_redis.Keys.Replies(request.From), bytes).WaitAsync(_timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.ReplyNotSent(request.From, request.Id, ex.Message);
        }
    }

    private bool TryRead<T>(ChannelMessage message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value)
        where T : class
    {
        value = null;
        var length = message.Message.Length();
        if (length > _limits.MaxCommandBytes)
        {
            _logger.MessageUnreadable(message.Channel.ToString(), length, $"larger than KestrelTcp:Cluster:MaxCommandBytes ({_limits.MaxCommandBytes})");
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize((byte[])message.Message!, type);
        }
        catch (JsonException ex)
        {
            _logger.MessageUnreadable(message.Channel.ToString(), length, ex.Message);
            return false;
        }

        if (value is null)
        {
            _logger.MessageUnreadable(message.Channel.ToString(), length, "empty");
            return false;
        }

        return true;
    }
}
