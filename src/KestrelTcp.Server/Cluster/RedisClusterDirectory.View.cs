using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using KestrelTcp.Server.Sessions;
using StackExchange.Redis;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// The other nodes' side of the directory. Their batches arrive on the directory channel and are
/// applied in order; pub/sub is at-most-once, so a gap in a node's sequence (or a batch from a new
/// instance, or a node record that says a later batch exists) reloads that node's whole hash. Every
/// heartbeat interval the node records and TTL keys are read: a node whose key expired is Down, its
/// sessions leave the view and its hash is deleted; a Down node is forgotten after
/// <see cref="ClusterOptions.DownNodeRetention"/>. Everything Redis can make this node hold is bounded:
/// <see cref="ClusterOptions.MaxNodes"/> nodes, <see cref="ClusterOptions.MaxSessionsPerNode"/> sessions
/// each, <see cref="DeltaQueueCapacity"/> batches waiting.
/// </summary>
internal sealed partial class RedisClusterDirectory
{
    /// <summary>Batches waiting to be applied; past it they are dropped and every node is reloaded.</summary>
    public const int DeltaQueueCapacity = 4096;

    /// <summary>Largest directory message read (a batch of <see cref="MaxBatchEntries"/> is far smaller).</summary>
    public const int MaxDeltaBytes = 4 * 1024 * 1024;

    /// <summary>Listener rates read from one node's heartbeat, at most; the rest are ignored.</summary>
    public const int MaxRatesPerNode = 256;

    private readonly ConcurrentDictionary<string, RemoteNode> _nodes = new(StringComparer.Ordinal);
    private readonly Channel<DirectoryDelta> _deltas;
    private int _deltasDropped;
    private int _viewLost = 1;

    public event Action<RemoteSessionChange>? RemoteSessionsChanged;

    public IReadOnlyList<NodeInfo> Nodes()
    {
        List<NodeInfo> nodes = [_local.Describe(_registry, _time.GetUtcNow())];
        foreach (var node in _nodes.Values)
        {
            if (node.Record is { } record)
            {
                var state = node.Down ? NodeState.Down : record.Draining ? NodeState.Draining : NodeState.Up;
                nodes.Add(new NodeInfo(record.Name, record.Address, record.Version, record.StartedAt,
                    node.Down ? 0 : node.Sessions.Count, record.HeartbeatAt, state, Local: false));
            }
        }

        nodes.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return nodes;
    }

    public IReadOnlyCollection<SessionInfo> RemoteSessions()
    {
        List<SessionInfo> sessions = [];
        foreach (var node in _nodes.Values)
        {
            sessions.AddRange(node.Sessions.Values);
        }

        return sessions;
    }

    public IReadOnlyDictionary<string, ListenerRates> RemoteRates()
    {
        var rates = new Dictionary<string, ListenerRates>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in _nodes.Values)
        {
            if (node.Down || node.Record?.Rates is not { } sent)
            {
                continue;
            }

            // What another node wrote is read, not trusted: as many listeners as a node may have, each a
            // named listener with finite figures (a NaN would make the totals unserialisable).
            for (var i = 0; i < Math.Min(sent.Count, MaxRatesPerNode); i++)
            {
                var entry = sent[i];
                if (entry is null || string.IsNullOrEmpty(entry.Listener) || !entry.IsValid)
                {
                    continue;
                }

                rates[entry.Listener] = rates.TryGetValue(entry.Listener, out var sum) ? sum.Plus(entry) : entry;
            }
        }

        return rates;
    }

    public bool TryGetRemoteSession(string id, out SessionInfo session)
    {
        foreach (var node in _nodes.Values)
        {
            if (node.Sessions.TryGetValue(id, out session!))
            {
                return true;
            }
        }

        session = null!;
        return false;
    }

    public async Task<IReadOnlyList<SessionInfo>> RemoteClosedAsync(int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0 || _connection is not { IsConnected: true })
        {
            return [];
        }

        var db = Database;
        var reads = _nodes.Keys.Select(name => (name, task: db.ListRangeAsync(Keys.Closed(name), 0, limit - 1))).ToList();
        List<SessionInfo> closed = [];
        foreach (var (name, task) in reads)
        {
            try
            {
                foreach (var value in await task.WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false))
                {
                    if (TryRead(name, value, ClusterJson.Default.SessionInfo) is { } info)
                    {
                        closed.Add(info with { Node = name });
                    }
                }
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                // This node's part is missing; the view says degraded.
                MarkLost($"Redis is not answering: {ex.Message}");
            }
        }

        return [.. closed.OrderByDescending(s => s.ClosedAt).Take(limit)];
    }

    private void OnDelta(RedisValue message)
    {
        if (message.IsNull)
        {
            return;
        }

        DirectoryDelta? delta;
        try
        {
            var bytes = (ReadOnlyMemory<byte>)message;
            if (bytes.Length > MaxDeltaBytes)
            {
                Volatile.Write(ref _deltasDropped, 1);
                return;
            }

            delta = JsonSerializer.Deserialize(bytes.Span, ClusterJson.Default.DirectoryDelta);
        }
        catch (JsonException ex)
        {
            _logger.DirectoryEntryUnreadable("?", ex.Message);
            return;
        }

        if (delta is not null && delta.Node != _local.Name)
        {
            _deltas.Writer.TryWrite(delta);
        }
    }

    private async Task RunViewAsync(CancellationToken stoppingToken)
    {
        var nextRefresh = _time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_time.GetElapsedTime(nextRefresh) >= TimeSpan.Zero)
                {
                    nextRefresh = _time.GetTimestamp() + (long)(_options.HeartbeatInterval.TotalSeconds * _time.TimestampFrequency);
                    await RefreshNodesAsync().ConfigureAwait(false);
                }

                while (_deltas.Reader.TryRead(out var delta))
                {
                    await ApplyAsync(delta).ConfigureAwait(false);
                }

                var wait = -_time.GetElapsedTime(nextRefresh);
                if (wait > TimeSpan.Zero)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    timeout.CancelAfter(wait);
                    try
                    {
                        await _deltas.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        // Time for the next refresh.
                    }
                }
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                Volatile.Write(ref _viewLost, 1);
                MarkLost($"Redis is not answering: {ex.Message}");
                await Task.Delay(_options.HeartbeatInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.DirectoryLoopFailed(ex);
                Volatile.Write(ref _viewLost, 1);
                await Task.Delay(_options.HeartbeatInterval, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads every node's record and TTL key: who is Up, Draining, Down or gone, and which
    /// node's view is behind its record and needs a reload.</summary>
    internal async Task RefreshNodesAsync()
    {
        if (_connection is not { IsConnected: true })
        {
            Volatile.Write(ref _viewLost, 1);
            return;
        }

        var reloadAll = Interlocked.Exchange(ref _viewLost, 0) == 1 | Interlocked.Exchange(ref _deltasDropped, 0) == 1;
        var db = Database;
        var entries = await db.HashGetAllAsync(Keys.Nodes).ConfigureAwait(false);
        List<NodeRecord> records = [];
        foreach (var entry in entries)
        {
            if (entry.Name != _local.Name && TryRead(entry.Name.ToString(), entry.Value, ClusterJson.Default.NodeRecord) is { } record
                && ClusterOptionsValidator.IsValidNodeName(record.Name))
            {
                records.Add(record);
            }
        }

        records.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        if (records.Count > _options.MaxNodes - 1)
        {
            SetDegraded($"Redis lists {records.Count + 1} nodes, more than KestrelTcp:Cluster:MaxNodes ({_options.MaxNodes}); the view shows the first {_options.MaxNodes}.");
            records.RemoveRange(_options.MaxNodes - 1, records.Count - (_options.MaxNodes - 1));
        }

        var holders = records.Select(r => db.StringGetAsync(Keys.Alive(r.Name))).ToArray();
        await Task.WhenAll(holders).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            seen.Add(record.Name);
            var node = _nodes.GetOrAdd(record.Name, name => new RemoteNode(name));
            node.Record = record;
            var holder = holders[i].Result;
            if (!holder.HasValue)
            {
                if (!node.Down)
                {
                    MarkDown(node, record);
                    _ = db.KeyDeleteAsync(Keys.Sessions(record.Name), CommandFlags.FireAndForget);
                }

                if (now - record.HeartbeatAt > _options.DownNodeRetention)
                {
                    _ = db.HashDeleteAsync(Keys.Nodes, record.Name, CommandFlags.FireAndForget);
                    _ = db.KeyDeleteAsync(Keys.Closed(record.Name), CommandFlags.FireAndForget);
                    _nodes.TryRemove(record.Name, out _);
                }

                continue;
            }

            var instance = holder.ToString();
            if (reloadAll || node.Down || node.Instance != instance || node.Seq < record.Seq)
            {
                var wasDown = node.Down || node.Instance is null;
                await ReloadAsync(node).ConfigureAwait(false);
                if (wasDown)
                {
                    _logger.NodeUp(record.Name, instance, record.Address);
                }
            }
        }

        foreach (var name in _nodes.Keys)
        {
            if (!seen.Contains(name) && _nodes.TryRemove(name, out var gone))
            {
                Clear(gone);
            }
        }
    }

    private async Task ApplyAsync(DirectoryDelta delta)
    {
        if (!ClusterOptionsValidator.IsValidNodeName(delta.Node))
        {
            return;
        }

        if (!_nodes.TryGetValue(delta.Node, out var node))
        {
            if (_nodes.Count >= _options.MaxNodes - 1)
            {
                return;
            }

            node = _nodes.GetOrAdd(delta.Node, name => new RemoteNode(name));
        }

        if (node.Down && node.Instance == delta.Instance)
        {
            // A late batch from the instance that died.
            return;
        }

        if (delta.Reset && (node.Instance != delta.Instance || delta.Seq > node.Seq))
        {
            Replace(node, delta.Instance, delta.Seq, delta.Upserted);
            return;
        }

        if (node.Instance == delta.Instance && delta.Seq <= node.Seq)
        {
            return;
        }

        if (node.Instance == delta.Instance && delta.Seq == node.Seq + 1)
        {
            if (node.Sessions.Count + delta.Upserted.Length > _options.MaxSessionsPerNode)
            {
                TooMany(node);
                return;
            }

            foreach (var id in delta.Removed)
            {
                node.Sessions.TryRemove(id, out _);
            }

            foreach (var session in delta.Upserted)
            {
                node.Sessions[session.Id] = session with { Node = node.Name };
            }

            node.Seq = delta.Seq;
            RemoteSessionsChanged?.Invoke(new RemoteSessionChange(node.Name, delta.Upserted, delta.Removed));
            return;
        }

        await ReloadAsync(node).ConfigureAwait(false);
    }

    /// <summary>Replaces what the view holds of <paramref name="node"/> with its whole hash in Redis.</summary>
    private async Task ReloadAsync(RemoteNode node)
    {
        var entries = await Database.HashGetAllAsync(Keys.Sessions(node.Name)).ConfigureAwait(false);
        if (entries.Length > _options.MaxSessionsPerNode + 1)
        {
            TooMany(node);
            return;
        }

        string? instance = node.Record?.Instance;
        long seq = 0;
        List<SessionInfo> sessions = new(entries.Length);
        foreach (var entry in entries)
        {
            if (entry.Name == ClusterKeys.SeqField)
            {
                var text = entry.Value.ToString();
                var colon = text.LastIndexOf(':');
                if (colon > 0 && long.TryParse(text.AsSpan(colon + 1), out var parsed))
                {
                    instance = text[..colon];
                    seq = parsed;
                }
            }
            else if (TryRead(node.Name, entry.Value, ClusterJson.Default.SessionInfo) is { } session)
            {
                sessions.Add(session);
            }
        }

        Replace(node, instance, seq, sessions);
        _logger.DirectoryReloaded(node.Name, sessions.Count, seq);
    }

    private void Replace(RemoteNode node, string? instance, long seq, IReadOnlyCollection<SessionInfo> sessions)
    {
        if (sessions.Count > _options.MaxSessionsPerNode)
        {
            TooMany(node);
            return;
        }

        var ids = sessions.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        List<string> removed = [.. node.Sessions.Keys.Where(id => !ids.Contains(id))];
        foreach (var id in removed)
        {
            node.Sessions.TryRemove(id, out _);
        }

        List<SessionInfo> upserted = new(sessions.Count);
        foreach (var session in sessions)
        {
            var stamped = session with { Node = node.Name };
            node.Sessions[session.Id] = stamped;
            upserted.Add(stamped);
        }

        node.Instance = instance;
        node.Seq = seq;
        node.Down = false;
        RemoteSessionsChanged?.Invoke(new RemoteSessionChange(node.Name, upserted, removed));
    }

    private void MarkDown(RemoteNode node, NodeRecord record)
    {
        var count = node.Sessions.Count;
        Clear(node);
        node.Down = true;
        _logger.NodeDown(record.Name, record.HeartbeatAt, count);
    }

    private void Clear(RemoteNode node)
    {
        var removed = node.Sessions.Keys.ToList();
        node.Sessions.Clear();
        node.Seq = -1;
        if (removed.Count > 0)
        {
            RemoteSessionsChanged?.Invoke(new RemoteSessionChange(node.Name, [], removed));
        }
    }

    private void TooMany(RemoteNode node)
    {
        Clear(node);
        node.Instance = null;
        SetDegraded($"Node {node.Name} lists more than KestrelTcp:Cluster:MaxSessionsPerNode ({_options.MaxSessionsPerNode}) sessions; they are left out of the view.");
    }

    private T? TryRead<T>(string node, RedisValue value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return value.IsNull ? null : JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)value).Span, type);
        }
        catch (JsonException ex)
        {
            _logger.DirectoryEntryUnreadable(node, ex.Message);
            return null;
        }
    }

    /// <summary>What this node knows of another.</summary>
    private sealed class RemoteNode(string name)
    {
        public string Name { get; } = name;

        public NodeRecord? Record { get; set; }

        public string? Instance { get; set; }

        public long Seq { get; set; } = -1;

        public bool Down { get; set; }

        public ConcurrentDictionary<string, SessionInfo> Sessions { get; } = new(StringComparer.Ordinal);
    }
}
