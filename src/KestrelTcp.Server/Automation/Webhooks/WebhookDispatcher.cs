using System.Collections.Concurrent;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>
/// The webhooks' entry point: told of sessions opening and closing (<see cref="ISessionObserver"/>) and
/// becoming devices (<see cref="IDeviceObserver"/>) on the data path, it builds the event and offers it to
/// each endpoint that wants it, without blocking, awaiting or doing I/O. With no endpoint it returns at
/// once. <see cref="Publish"/> is the public entry point for other sources (the rules' <c>rule</c> events).
/// </summary>
internal sealed class WebhookDispatcher : IHostedService, ISessionObserver, IDeviceObserver, Rules.IRuleHitObserver, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, WebhookEndpoint> _endpoints = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private readonly WebhooksOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly HttpClient _http;
    private readonly string? _node;
    private WebhookEndpoint[] _list = [];

    public WebhookDispatcher(IOptions<WebhooksOptions> options, TimeProvider time, ILogger<WebhookDispatcher> logger, IServiceProvider services)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _node = services.GetService<LocalNode>()?.Name;
        // No redirects: an endpoint is the URL an operator gave, not wherever it points on.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, endpoint) in _options.Endpoints)
        {
            WebhookDefinition.CheckUrl(endpoint.Url, out var url);
            TryAdd(name, url!, endpoint.Secret!, WebhookDefinition.ParseEvents(endpoint.Events?.Split(','), out _)!, "configuration", out _);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var endpoint in _endpoints.Values)
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Offers <paramref name="item"/> to every endpoint that wants its kind. Never blocks.</summary>
    public void Publish(WebhookEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);
        foreach (var endpoint in Volatile.Read(ref _list))
        {
            if (endpoint.Wants(item.Kind))
            {
                endpoint.Offer(item);
            }
        }
    }

    public void Opened(Session session)
    {
        if (Volatile.Read(ref _list).Length != 0)
        {
            Publish(new WebhookEvent(WebhookEvent.NewId(), WebhookEventKind.Connect, _time.GetUtcNow(), session.Id, session.Listener.Name, session.RemoteEndPointText, session.DeviceId, Node: _node));
        }
    }

    public void Closed(SessionInfo closed)
    {
        if (Volatile.Read(ref _list).Length != 0)
        {
            Publish(new WebhookEvent(WebhookEvent.NewId(), WebhookEventKind.Disconnect, closed.ClosedAt ?? _time.GetUtcNow(), closed.Id, closed.Listener, closed.RemoteEndPoint, closed.DeviceId,
                closed.CloseReason?.ToString(), closed.CloseDetail, _node));
        }
    }

    public void Online(Session session, string deviceId)
    {
        if (Volatile.Read(ref _list).Length != 0)
        {
            Publish(new WebhookEvent(WebhookEvent.NewId(), WebhookEventKind.Identified, _time.GetUtcNow(), session.Id, session.Listener.Name, session.RemoteEndPointText, deviceId, Node: _node));
        }
    }

    /// <summary>On the session's read loop, after the rule's reply was queued: queues a <c>rule</c> event
    /// (the rule's id and name) when an endpoint exists, else returns at the length check.</summary>
    public void RuleHit(string sessionId, string? deviceId, string listener, long ruleId, string ruleName)
    {
        if (Volatile.Read(ref _list).Length != 0)
        {
            Publish(new WebhookEvent(WebhookEvent.NewId(), WebhookEventKind.Rule, _time.GetUtcNow(), sessionId, listener, DeviceId: deviceId, Node: _node,
                Rule: ruleId.ToString(System.Globalization.CultureInfo.InvariantCulture), Detail: ruleName));
        }
    }

    public void Offline(Session session, string deviceId)
    {
        // The disconnect event carries the device id.
    }

    public IReadOnlyList<WebhookEndpointInfo> Describe() => [.. Volatile.Read(ref _list).Select(e => e.Describe())];

    public WebhookEndpoint? Find(string name) => _endpoints.GetValueOrDefault(name);

    /// <summary>Adds and starts an endpoint; false with the reason when the name is taken or the limit reached.</summary>
    public bool TryAdd(string name, Uri url, string secret, IReadOnlyList<WebhookEventKind> events, string source, out string? error)
    {
        lock (_gate)
        {
            if (_endpoints.ContainsKey(name))
            {
                error = $"A webhook named '{name}' exists already.";
                return false;
            }

            if (_endpoints.Count >= _options.MaxEndpoints)
            {
                error = $"There are {_options.MaxEndpoints} webhooks already (KestrelTcp:Webhooks:MaxEndpoints).";
                return false;
            }

            var endpoint = new WebhookEndpoint(name, url, secret, events, source, _options, _http, _time, _logger);
            _endpoints[name] = endpoint;
            endpoint.Start();
            Volatile.Write(ref _list, [.. _endpoints.Values.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)]);
            error = null;
            return true;
        }
    }

    /// <summary>Stops and removes an endpoint added through the API (configured ones stay: change the configuration).</summary>
    public async Task<string?> RemoveAsync(string name)
    {
        WebhookEndpoint? removed;
        lock (_gate)
        {
            if (!_endpoints.TryGetValue(name, out removed))
            {
                return "missing";
            }

            if (removed.Source != "api")
            {
                return "configured";
            }

            _endpoints.TryRemove(name, out _);
            Volatile.Write(ref _list, [.. _endpoints.Values.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)]);
        }

        await removed.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _http.Dispose();
    }
}
