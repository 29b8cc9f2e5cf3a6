using System.Collections.Concurrent;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>
/// Every outbound connection: the configured ones (<c>KestrelTcp:Outbound:{name}</c>) and those created
/// through the API (kept in <see cref="OutboundStore"/>). Starts their dial loops with the server and stops
/// them with it; adds, starts, stops and removes them for the API, within <c>MaxConnections</c>.
/// </summary>
internal sealed class OutboundConnections : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, OutboundConnection> _connections = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _addGate = new();
    private readonly OutboundOptions _options;
    private readonly ListenerCatalog _catalog;
    private readonly OutboundDialer _dialer;
    private readonly ILogger<OutboundConnections> _logger;
    private readonly Lazy<OutboundStore> _store;

    public OutboundConnections(IOptions<OutboundOptions> options, IOptions<KestrelTcpOptions> server, ListenerCatalog catalog, OutboundDialer dialer, ILogger<OutboundConnections> logger)
    {
        _options = options.Value;
        _catalog = catalog;
        _dialer = dialer;
        _logger = logger;
        var path = Path.Combine(Path.GetFullPath(server.Value.DataPath), "outbound.db");
        _store = new Lazy<OutboundStore>(() => new OutboundStore(path));
    }

    public OutboundOptions Options => _options;

    public OutboundDialer Dialer => _dialer;

    public int Count => _connections.Count;

    public IEnumerable<OutboundConnectionInfo> List() =>
        _connections.Values.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Select(c => c.Snapshot());

    public OutboundConnection? Find(string name) => _connections.GetValueOrDefault(name);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, options) in _options.Connections)
        {
            OutboundTarget.TryParse(options.Target, out var target);
            Register(name, options, target!, fromConfiguration: true).Start();
        }

        foreach (var (name, options, stopped) in _store.Value.Load())
        {
            if (_connections.ContainsKey(name) || _catalog.Find(name) is not null || !OutboundTarget.TryParse(options.Target, out var target))
            {
                _logger.OutboundRefused(name, $"The stored connection '{name}' is skipped: its name is now taken by configuration or its target no longer parses.");
                continue;
            }

            var connection = Register(name, options, target, fromConfiguration: false);
            if (!stopped)
            {
                connection.Start();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Adds and starts a connection made through the API; the error (for a 400) or null.</summary>
    public string? TryAdd(string name, OutboundConnectionOptions options, OutboundTarget target, string? createdBy)
    {
        lock (_addGate)
        {
            if (_connections.Count >= _options.MaxConnections)
            {
                return $"There are already {_connections.Count} outbound connections, the most {OutboundOptions.SectionName}:MaxConnections allows.";
            }

            if (_connections.ContainsKey(name) || _catalog.Find(name) is not null)
            {
                return $"name: '{name}' is already the name of a listener or an outbound connection.";
            }

            _store.Value.Add(name, options, createdBy);
            Register(name, options, target, fromConfiguration: false).Start();
            return null;
        }
    }

    public void Start(OutboundConnection connection)
    {
        if (!connection.FromConfiguration)
        {
            _store.Value.SetStopped(connection.Name, stopped: false);
        }

        connection.Start();
    }

    public async Task StopAsync(OutboundConnection connection, string actor)
    {
        if (!connection.FromConfiguration)
        {
            _store.Value.SetStopped(connection.Name, stopped: true);
        }

        await connection.StopAsync(CloseReason.Kicked, $"Outbound connection stopped by {actor}.").ConfigureAwait(false);
    }

    /// <summary>Stops and forgets an API-made connection.</summary>
    public async Task RemoveAsync(OutboundConnection connection, string actor)
    {
        await connection.StopAsync(CloseReason.Kicked, $"Outbound connection removed by {actor}.").ConfigureAwait(false);
        _store.Value.Remove(connection.Name);
        _connections.TryRemove(connection.Name, out _);
        _catalog.RemoveOutbound(connection.Name);
    }

    /// <summary>Kicked sessions of API-made connections stay stopped across a restart too.</summary>
    internal void Stopped(OutboundConnection connection)
    {
        if (!connection.FromConfiguration && _store.IsValueCreated && _connections.ContainsKey(connection.Name))
        {
            _store.Value.SetStopped(connection.Name, stopped: true);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var stops = _connections.Values.Select(c => c.StopAsync(CloseReason.ServerShutdown, "The server is shutting down."));
        await Task.WhenAll(stops).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private OutboundConnection Register(string name, OutboundConnectionOptions options, OutboundTarget target, bool fromConfiguration)
    {
        var connection = new OutboundConnection(name, options, target, fromConfiguration, _catalog.OutboundBudget, _dialer, _logger, Stopped);
        _connections[name] = connection;
        _catalog.TryAddOutbound(connection.Listener);
        return connection;
    }

    public void Dispose()
    {
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }

        _dialer.Dispose();
    }
}
