using System.Text.Json;
using System.Threading.Channels;
using KestrelTcp.Server.Devices;
using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// In a cluster, an operator's edit of a device (alias, tags, notes, forget) reaches every node's registry:
/// the node that took it keeps it in a Redis hash (the latest edit per device) and publishes it; every
/// other node applies what it hears, and at start applies the hash, so a node that was down meanwhile
/// catches up. Edits from other nodes wait in a bounded queue for one loop that applies them (full: dropped
/// and counted, never blocking Redis's reader); each is checked with the API's own rules first. The last
/// edit to arrive wins.
/// </summary>
internal sealed class ClusterDeviceEdits(
    ClusterRedis redis,
    LocalNode local,
    DeviceRegistry registry,
    IOptions<DevicesOptions> options,
    ILogger<ClusterDeviceEdits> logger) : BackgroundService, IDeviceEdits
{
    /// <summary>Edits from other nodes waiting to be applied, at most.</summary>
    public const int QueueCapacity = 4096;

    private readonly Channel<DeviceEdit> _incoming = Channel.CreateBounded<DeviceEdit>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly WarningInterval _dropWarning = new(TimeSpan.FromSeconds(30));
    private readonly WarningInterval _failWarning = new(TimeSpan.FromSeconds(30));
    private IDatabase? _database;
    private long _dropped;
    private long _applied;

    /// <summary>Edits from other nodes applied here since start.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Raised after an edit from another node was applied (for tests: no polling).</summary>
    public event Action<DeviceEdit>? EditApplied;

    public void Updated(DeviceInfo device) => Share(new DeviceEdit(local.Name, device.Id, device.Alias, device.Tags, device.Notes));

    public void Forgotten(string deviceId) => Share(new DeviceEdit(local.Name, deviceId, null, null, null, Forgotten: true));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var connection = await redis.ConnectAsync().ConfigureAwait(false);
            await connection.GetSubscriber().SubscribeAsync(redis.Keys.DeviceEdits, (_, message) => OnMessage(message)).ConfigureAwait(false);
            _database = connection.GetDatabase();
            registry.DevicesAdded += OnDevicesAdded;
            await LoadAsync(_database, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.DeviceEditsUnavailable(ex.Message);
        }

        try
        {
            await foreach (var edit in _incoming.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Apply(edit);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            registry.DevicesAdded -= OnDevicesAdded;
        }
    }

    /// <summary>On the registry's writer: devices new to this node (first seen here or through another node,
    /// perhaps while the start-up load ran) get the edit kept for them, if any, through the same queue.</summary>
    private void OnDevicesAdded(IReadOnlyList<string> ids)
    {
        if (_database is not { } database)
        {
            return;
        }

        _ = FetchAsync(database, ids);
    }

    private async Task FetchAsync(IDatabase database, IReadOnlyList<string> ids)
    {
        try
        {
            var values = await database.HashGetAsync(redis.Keys.DeviceMeta, [.. ids.Select(id => (RedisValue)id)]).ConfigureAwait(false);
            foreach (var value in values)
            {
                if (Read(value) is { Forgotten: false } edit && !_incoming.Writer.TryWrite(edit))
                {
                    Interlocked.Increment(ref _dropped);
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (_failWarning.TryTake())
            {
                logger.DeviceEditsUnavailable(ex.Message);
            }
        }
    }

    private void Share(DeviceEdit edit)
    {
        if (!redis.IsConnected)
        {
            if (_failWarning.TryTake())
            {
                logger.DeviceEditsUnavailable("not connected");
            }

            return;
        }

        var json = JsonSerializer.Serialize(edit, ClusterJson.Default.DeviceEdit);
        var database = redis.ConnectAsync().Result.GetDatabase();
        if (edit.Forgotten)
        {
            database.HashDelete(redis.Keys.DeviceMeta, edit.Id, CommandFlags.FireAndForget);
        }
        else
        {
            database.HashSet(redis.Keys.DeviceMeta, edit.Id, json, flags: CommandFlags.FireAndForget);
        }

        database.Publish(redis.Keys.DeviceEdits, json, CommandFlags.FireAndForget);
    }

    /// <summary>On Redis's reader: parse and queue, nothing more.</summary>
    private void OnMessage(RedisValue message)
    {
        if (Read(message) is not { } edit || edit.Node == local.Name)
        {
            return;
        }

        if (!_incoming.Writer.TryWrite(edit))
        {
            var dropped = Interlocked.Increment(ref _dropped);
            if (_dropWarning.TryTake())
            {
                logger.DeviceEditsDropped(dropped, QueueCapacity);
            }
        }
    }

    /// <summary>The edits kept in Redis, applied to the devices this registry has (at most as many as it may keep).</summary>
    private async Task LoadAsync(IDatabase database, CancellationToken stoppingToken)
    {
        var read = 0;
        var applied = 0;
        await foreach (var entry in database.HashScanAsync(redis.Keys.DeviceMeta, pageSize: 500).WithCancellation(stoppingToken).ConfigureAwait(false))
        {
            if (++read > options.Value.MaxDevices)
            {
                break;
            }

            if (Read(entry.Value) is { Forgotten: false } edit && Apply(edit))
            {
                applied++;
            }
        }

        logger.DeviceEditsLoaded(applied, read);
    }

    private bool Apply(DeviceEdit edit)
    {
        if (!DeviceFields.TryCheckAlias(edit.Alias, out var error) || !DeviceFields.TryCheckNotes(edit.Notes, out error))
        {
            logger.DeviceEditRefused(edit.Node, error!);
            return false;
        }

        List<string>? tags = null;
        if (!edit.Forgotten && !DeviceFields.TryCheckTags(edit.Tags ?? [], out tags, out error))
        {
            logger.DeviceEditRefused(edit.Node, error!);
            return false;
        }

        bool done;
        try
        {
            if (edit.Forgotten)
            {
                done = registry.Store.Delete(edit.Id);
                if (done)
                {
                    registry.Forgot(edit.Id);
                }
            }
            else
            {
                // Empty clears: the edit carries the fields as they are now on the node that took it.
                done = registry.Store.Update(edit.Id, edit.Alias ?? string.Empty, tags, edit.Notes ?? string.Empty) is not null;
            }
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            logger.DeviceEditRefused(edit.Node, ex.Message);
            return false;
        }

        if (done)
        {
            Interlocked.Increment(ref _applied);
            EditApplied?.Invoke(edit);
        }

        return done;
    }

    private DeviceEdit? Read(RedisValue value)
    {
        try
        {
            return value.HasValue ? JsonSerializer.Deserialize((string)value!, ClusterJson.Default.DeviceEdit) is { Id.Length: > 0, Node.Length: > 0 } edit ? edit : null : null;
        }
        catch (JsonException ex)
        {
            logger.DeviceEditRefused("?", ex.Message);
            return null;
        }
    }
}
