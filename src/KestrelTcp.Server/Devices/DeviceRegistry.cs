using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Devices;

/// <summary>
/// The durable device registry: every device ever identified here (up to <see cref="DevicesOptions.MaxDevices"/>),
/// online or not, in <c>devices.db</c>. Opened at start (a data folder that cannot be written stops the
/// server), when every device is marked offline: the node restarted, so none of its sessions is live. One
/// writer applies what <see cref="DeviceTracker"/> collects from the data path, in batches of up to
/// <see cref="MaxBatch"/> in one transaction, and right after a device comes online hands it the messages
/// waiting for it (<see cref="PendingQueue"/>). The API reads and edits the rows directly.
/// </summary>
internal sealed class DeviceRegistry : BackgroundService
{
    /// <summary>Most events one transaction applies.</summary>
    public const int MaxBatch = 512;

    private readonly DevicesOptions _options;
    private readonly DeviceTracker _tracker;
    private readonly IClusterView _cluster;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceRegistry> _logger;
    private readonly WarningInterval _fullWarning = new(TimeSpan.FromSeconds(30));
    private readonly string _path;
    private DeviceStore? _store;
    private PendingQueue? _pending;
    private long _deviceCount;
    private long _refused;
    private long _applied;

    public DeviceRegistry(IOptions<DevicesOptions> options, IOptions<KestrelTcpOptions> server, DeviceTracker tracker, IClusterView cluster, TimeProvider time, ILogger<DeviceRegistry> logger)
    {
        _options = options.Value;
        _tracker = tracker;
        _cluster = cluster;
        _time = time;
        _logger = logger;
        _path = System.IO.Path.GetFullPath(_options.Path ?? System.IO.Path.Combine(server.Value.DataPath, "devices.db"));
    }

    public DeviceStore Store => _store ?? throw new InvalidOperationException("The device registry is not open.");

    public PendingQueue Pending => _pending ?? throw new InvalidOperationException("The device registry is not open.");

    public DevicesOptions Options => _options;

    /// <summary>Devices kept.</summary>
    public long DeviceCount => Interlocked.Read(ref _deviceCount);

    /// <summary>Devices not registered because the registry was full.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Events applied since start (for tests and the status).</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Raised on the writer after each batch is applied (for tests: no polling).</summary>
    public event Action? BatchApplied;

    /// <summary>Raised on the writer with the devices a batch registered for the first time (quick handlers only).</summary>
    public event Action<IReadOnlyList<string>>? DevicesAdded;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _store = new DeviceStore(_path);
        var offline = _store.MarkAllOffline();
        _deviceCount = _store.CountDevices();
        _pending = new PendingQueue(_store, _options.Pending, _time, _logger);
        _logger.DeviceRegistryOpened(_path, _deviceCount, offline);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _tracker.Complete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _store?.Dispose();
    }

    /// <summary>A device was forgotten through the API: it no longer counts against <see cref="DevicesOptions.MaxDevices"/>.</summary>
    public void Forgot(string deviceId)
    {
        Interlocked.Decrement(ref _deviceCount);
        Pending.Forget(deviceId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweep = SweepAsync(stoppingToken);
        var reader = _tracker.Reader;
        var batch = new List<DeviceEvent>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var change))
                {
                    batch.Add(change);
                }

                ApplyBatch(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: at the next start every device is marked offline anyway.
        }

        await sweep.ConfigureAwait(false);
    }

    private void ApplyBatch(List<DeviceEvent> batch)
    {
        try
        {
            // Added as a difference: a device forgotten through the API meanwhile keeps its decrement.
            var before = DeviceCount;
            var count = before;
            var added = DevicesAdded is null ? null : new List<string>();
            var refused = Store.Apply(batch, _cluster.LocalNode, _options.MaxDevices, ref count, added);
            if (added is { Count: > 0 })
            {
                DevicesAdded?.Invoke(added);
            }

            Interlocked.Add(ref _deviceCount, count - before);
            if (refused is not null)
            {
                var total = Interlocked.Add(ref _refused, refused.Count);
                if (_fullWarning.TryTake())
                {
                    _logger.DeviceRegistryFull(_options.MaxDevices, refused[0], total);
                }
            }

            foreach (var change in batch)
            {
                if (change is { Kind: DeviceEventKind.Online, Session: { } session } && Pending.CountFor(change.DeviceId) > 0)
                {
                    Pending.Deliver(change.DeviceId, session);
                }
            }
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            _logger.DeviceRegistryWriteFailed(_path, batch.Count, ex);
        }

        Interlocked.Add(ref _applied, batch.Count);
        BatchApplied?.Invoke();
    }

    /// <summary>Drops expired pending messages, a few times per <c>Pending:Expiry</c> (at least every 30 s).</summary>
    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(_options.Pending.Expiry.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(30).Ticks));
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (Pending.DropExpired() is var dropped and > 0)
                    {
                        _logger.PendingExpired(dropped);
                    }
                }
                catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
                {
                    _logger.DeviceRegistryWriteFailed(_path, 0, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
