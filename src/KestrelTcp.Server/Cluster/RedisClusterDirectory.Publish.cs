using System.Text.Json;
using KestrelTcp.Server.Sessions;
using StackExchange.Redis;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// This node's side of the directory. Every <see cref="ClusterOptions.DirectoryInterval"/> the live
/// sessions are compared with what was last published, and the sessions that opened or closed since go
/// out as batches of at most <see cref="MaxBatchEntries"/>: each batch is written to the node's sessions
/// hash and published as a <see cref="DirectoryDelta"/> in one transaction. Counters are republished
/// only every <see cref="ClusterOptions.CountersInterval"/>, and only for sessions whose counters moved
/// (a session that became a device is republished at once):
/// the write rate follows the number of batches, never the number of frames or sessions.
/// </summary>
internal sealed partial class RedisClusterDirectory
{
    /// <summary>Most sessions (opened, changed or closed) one batch carries: bounds one Redis message.</summary>
    public const int MaxBatchEntries = 500;

    private readonly Dictionary<string, PublishedSession> _published = new(StringComparer.Ordinal);
    private long _seq;
    private long _generation;
    private long _lastCountersTicks;
    private long _lastHeartbeatTicks = long.MinValue;

    // The listeners' traffic since the previous heartbeat, and when that was: the heartbeat sends the rates
    // in between.
    private readonly ListenerRateSampler _rates = new();
    private long _trafficTicks;

    /// <summary>How many sessions are in the directory as this node last wrote it (for tests and /api/nodes).</summary>
    internal int PublishedCount => _published.Count;

    /// <summary>Batches written since start (for the benchmark and tests: the write rate).</summary>
    internal long BatchesWritten => Interlocked.Read(ref _seq);

    private async Task RunPublishAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.DirectoryInterval, _time);
        do
        {
            try
            {
                await PublishOnceAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                MarkLost($"Redis is not answering: {ex.Message}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.DirectoryLoopFailed(ex);
                MarkLost("The directory could not be published.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One round: the changes since the last one (all sessions after a loss of Redis), then the
    /// heartbeat when it is due.</summary>
    internal async Task PublishOnceAsync()
    {
        if (_connection is not { IsConnected: true })
        {
            MarkLost($"Redis at {_redis.Endpoint} cannot be reached.");
            return;
        }

        var reset = Interlocked.Exchange(ref _lost, 0) == 1;
        try
        {
            await WriteChangesAsync(reset).ConfigureAwait(false);
            var now = _time.GetTimestamp();
            if (reset || _time.GetElapsedTime(_lastHeartbeatTicks, now) >= _options.HeartbeatInterval)
            {
                await HeartbeatAsync().ConfigureAwait(false);
                _lastHeartbeatTicks = now;
            }
        }
        catch
        {
            // What was compared is no longer what Redis holds: start over from the whole set next round.
            Volatile.Write(ref _lost, 1);
            throw;
        }

        if (reset)
        {
            SetDegraded(null);
        }
    }

    private async Task WriteChangesAsync(bool reset)
    {
        var now = _time.GetTimestamp();
        var countersDue = _time.GetElapsedTime(_lastCountersTicks, now) >= _options.CountersInterval;
        if (countersDue)
        {
            _lastCountersTicks = now;
        }

        if (reset)
        {
            _published.Clear();
        }

        var generation = ++_generation;
        List<SessionInfo> upserted = [];
        foreach (var session in _registry.All)
        {
            if (!_published.TryGetValue(session.Id, out var published))
            {
                published = new PublishedSession();
                _published[session.Id] = published;
                upserted.Add(Describe(session));
                published.Mark(session);
            }
            else if ((countersDue && published.Changed(session)) || published.Renamed(session))
            {
                upserted.Add(Describe(session));
                published.Mark(session);
            }

            published.Generation = generation;
        }

        List<string> removed = [];
        foreach (var (id, published) in _published)
        {
            if (published.Generation != generation)
            {
                removed.Add(id);
            }
        }

        foreach (var id in removed)
        {
            _published.Remove(id);
        }

        if (upserted.Count == 0 && removed.Count == 0 && !reset)
        {
            return;
        }

        var closed = removed.Count == 0 ? [] : ClosedEntries(removed);
        var first = true;
        var u = 0;
        var r = 0;
        do
        {
            var take = Math.Min(MaxBatchEntries, upserted.Count - u);
            var batchUpserted = upserted.GetRange(u, take).ToArray();
            var takeRemoved = Math.Min(MaxBatchEntries - take, removed.Count - r);
            var batchRemoved = removed.GetRange(r, takeRemoved).ToArray();
            u += take;
            r += takeRemoved;
            await WriteBatchAsync(batchUpserted, batchRemoved, reset && first, first ? closed : []).ConfigureAwait(false);
            first = false;
        }
        while (u < upserted.Count || r < removed.Count);
    }

    private async Task WriteBatchAsync(SessionInfo[] upserted, string[] removed, bool reset, RedisValue[] closed)
    {
        var seq = Interlocked.Increment(ref _seq);
        var delta = new DirectoryDelta(_local.Name, _local.InstanceId, seq, upserted, removed, reset);
        var hash = Keys.Sessions(_local.Name);
        var tx = Database.CreateTransaction();
        if (reset)
        {
            _ = tx.KeyDeleteAsync(hash);
        }

        var entries = new HashEntry[upserted.Length + 1];
        for (var i = 0; i < upserted.Length; i++)
        {
            entries[i] = new HashEntry(upserted[i].Id, JsonSerializer.SerializeToUtf8Bytes(upserted[i], ClusterJson.Default.SessionInfo));
        }

        entries[^1] = new HashEntry(ClusterKeys.SeqField, $"{_local.InstanceId}:{seq}");
        _ = tx.HashSetAsync(hash, entries);
        if (removed.Length > 0)
        {
            _ = tx.HashDeleteAsync(hash, Array.ConvertAll(removed, id => (RedisValue)id));
        }

        if (closed.Length > 0)
        {
            var list = Keys.Closed(_local.Name);
            _ = tx.ListLeftPushAsync(list, closed);
            _ = tx.ListTrimAsync(list, 0, _closedCapacity - 1);
        }

        _ = tx.PublishAsync(Keys.Directory, JsonSerializer.SerializeToUtf8Bytes(delta, ClusterJson.Default.DirectoryDelta));
        if (!await tx.ExecuteAsync().ConfigureAwait(false))
        {
            throw new RedisException("The directory batch was not applied.");
        }
    }

    /// <summary>The close records of the sessions that left, newest last (pushed left, so newest ends first).</summary>
    private RedisValue[] ClosedEntries(List<string> removed)
    {
        var ids = removed.ToHashSet(StringComparer.Ordinal);
        var recent = _registry.RecentlyClosed();
        List<RedisValue> entries = [];
        for (var i = recent.Length - 1; i >= 0; i--)
        {
            if (ids.Contains(recent[i].Id))
            {
                entries.Add(JsonSerializer.SerializeToUtf8Bytes(recent[i] with { Node = _local.Name }, ClusterJson.Default.SessionInfo));
            }
        }

        return [.. entries];
    }

    /// <summary>Renews the node's TTL key and rewrites its record; notices another instance under the
    /// same name, and a Redis that lost this node's entries (restarted between two rounds).</summary>
    private async Task HeartbeatAsync()
    {
        _local.Address ??= ServerAddress();
        var db = Database;
        var alive = Keys.Alive(_local.Name);
        var holderTask = db.StringGetAsync(alive);
        var seqTask = db.HashGetAsync(Keys.Sessions(_local.Name), ClusterKeys.SeqField);
        var holder = await holderTask.ConfigureAwait(false);
        var stored = await seqTask.ConfigureAwait(false);
        if (holder.HasValue && holder != _local.InstanceId)
        {
            _logger.NodeNameTaken(_local.Name, holder.ToString());
            SetDegraded($"Another live node uses this node's name '{_local.Name}' (KestrelTcp:Cluster:NodeName must be unique).");
        }

        var seq = Interlocked.Read(ref _seq);
        if (seq > 0 && stored != $"{_local.InstanceId}:{seq}")
        {
            // Redis came back empty (or someone cleared the keys): write everything again next round.
            Volatile.Write(ref _lost, 1);
        }

        var record = new NodeRecord(_local.Name, _local.InstanceId, _local.Address, _local.Version, _local.StartedAt,
            _registry.Count, _time.GetUtcNow(), _registry.IsDraining, seq, TrafficRates());
        var tx = db.CreateTransaction();
        _ = tx.StringSetAsync(alive, _local.InstanceId, _options.NodeTimeout);
        _ = tx.HashSetAsync(Keys.Nodes, _local.Name, JsonSerializer.SerializeToUtf8Bytes(record, ClusterJson.Default.NodeRecord));
        await tx.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>Each listener's rates since the previous heartbeat (zero at the first).</summary>
    private ListenerRates[] TrafficRates()
    {
        var now = _time.GetTimestamp();
        var seconds = _trafficTicks == 0 ? 0 : _time.GetElapsedTime(_trafficTicks, now).TotalSeconds;
        _trafficTicks = now;
        return _rates.Sample(_listeners.All, seconds);
    }

    private SessionInfo Describe(Session session) => session.Snapshot() with { Node = _local.Name };

    /// <summary>The first HTTP address Kestrel bound (the TCP listeners' are in the same list); null until
    /// it has bound (a port 0 is not an address yet).</summary>
    private string? ServerAddress()
    {
        var addresses = _server?.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
        if (addresses is null)
        {
            return null;
        }

        var tcpPorts = _listeners.All.Select(l => l.BoundEndPoint?.Port ?? l.Options.Port).ToHashSet();
        foreach (var address in addresses)
        {
            var text = address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal);
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Port != 0 && !tcpPorts.Contains(uri.Port))
            {
                return address;
            }
        }

        return null;
    }

    /// <summary>What was last published of one session: enough to tell whether its counters moved.</summary>
    private sealed class PublishedSession
    {
        private long _bytesIn;
        private long _bytesOut;
        private long _framesIn;
        private long _framesOut;
        private long _queued;
        private string? _deviceId;

        public long Generation { get; set; }

        /// <summary>Whether the session became a device (or another one) since it was published: sent at
        /// once, not with the next counters, so other nodes route to it and list it without delay.</summary>
        public bool Renamed(Session session) => !ReferenceEquals(session.DeviceId, _deviceId);

        public bool Changed(Session session) =>
            session.BytesIn != _bytesIn || session.BytesOut != _bytesOut || session.FramesIn != _framesIn
            || session.FramesOut != _framesOut || session.QueuedBytes != _queued;

        public void Mark(Session session)
        {
            _bytesIn = session.BytesIn;
            _bytesOut = session.BytesOut;
            _framesIn = session.FramesIn;
            _framesOut = session.FramesOut;
            _queued = session.QueuedBytes;
            _deviceId = session.DeviceId;
        }
    }
}
