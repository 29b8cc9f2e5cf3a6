using System.Net;
using KestrelTcp.Server.Admission;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Proxy;
using Microsoft.AspNetCore.Connections;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Runs first for every connection of one listener: refuses it when the listener is at its
/// connection limit, the server's sessions have used their file-descriptor budget, or the server is
/// draining (recording why), and otherwise tags it with its listener. On a listener with
/// <c>ProxyProtocol</c> on, it first checks that the peer is a trusted proxy and reads the PROXY header
/// (before TLS), so the session and admission control see the client the header names.
/// </summary>
internal sealed class ListenerConnectionMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly Listener _listener;
    private readonly SessionRegistry _registry;
    private readonly DescriptorBudget _budget;
    private readonly ILogger _logger;
    private readonly ListenerFeature _feature;

    public ListenerConnectionMiddleware(ConnectionDelegate next, Listener listener, SessionRegistry registry, DescriptorBudget budget, ILogger logger)
    {
        _next = next;
        _listener = listener;
        _registry = registry;
        _budget = budget;
        _logger = logger;
        _feature = new ListenerFeature(listener);
    }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        if (_registry.IsDraining)
        {
            Refuse(connection, CloseReason.ServerShutdown, "The server is shutting down.");
            return;
        }

        if (_listener.Proxy is { } proxy)
        {
            await OnProxiedConnectionAsync(connection, proxy).ConfigureAwait(false);
            return;
        }

        if (!TryAdmit(connection, out var ticket))
        {
            return;
        }

        try
        {
            await AcceptAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            ReleaseAdmission(connection, ticket);
        }
    }

    /// <summary>
    /// A connection to a listener behind a balancer: from a trusted proxy, holding a connection slot while
    /// its header arrives (bounded in time), then admitted by the client's address and run as a session
    /// whose remote endpoint is that client.
    /// </summary>
    private async Task OnProxiedConnectionAsync(ConnectionContext connection, ProxyProtocolGate proxy)
    {
        var peer = connection.RemoteEndPoint;
        if (!proxy.Admit((peer as IPEndPoint)?.Address))
        {
            var detail = $"Untrusted proxy: {peer} is not in the TrustedProxies of listener '{_listener.Name}' ({string.Join(", ", proxy.TrustedProxies)}), which expects connections through a PROXY protocol balancer.";
            _logger.UntrustedProxy(connection.ConnectionId, _listener.Name, detail);
            Refuse(connection, CloseReason.Refused, detail);
            return;
        }

        if (!TryTakeSlots(connection))
        {
            return;
        }

        try
        {
            var read = await proxy.ReadHeaderAsync(connection).ConfigureAwait(false);
            if (read.Header is not { } header)
            {
                _logger.ProxyHeaderRejected(connection.ConnectionId, peer, _listener.Name, read.Failure!);
                Refuse(connection, CloseReason.ProxyHeader, read.Failure!);
                return;
            }

            if (header.Source is { } client)
            {
                _logger.ProxiedConnection(connection.ConnectionId, _listener.Name, peer, header.Version, client);
                connection.RemoteEndPoint = client;
            }

            if (!TryAdmit(connection, out var ticket))
            {
                return;
            }

            try
            {
                await RunAsync(connection).ConfigureAwait(false);
            }
            finally
            {
                ReleaseAdmission(connection, ticket);
            }
        }
        finally
        {
            ReleaseSlots();
        }
    }

    private bool TryAdmit(ConnectionContext connection, out AddressState? ticket)
    {
        var remote = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        var rejection = _listener.Admission.TryAdmit(remote, out ticket);
        if (rejection == AdmissionRejection.None)
        {
            return true;
        }

        var detail = Describe(rejection, remote);
        _logger.ConnectionRefused(connection.ConnectionId, _listener.Name, rejection, detail);
        Refuse(connection, CloseReason.Refused, detail);
        return false;
    }

    private void ReleaseAdmission(ConnectionContext connection, AddressState? ticket)
    {
        var outcome = connection.Features.Get<SessionOutcomeFeature>()?.CloseReason;
        _listener.Admission.Release(ticket, outcome is CloseReason.FrameTooLarge or CloseReason.InvalidFrame);
    }

    private async Task AcceptAsync(ConnectionContext connection)
    {
        if (!TryTakeSlots(connection))
        {
            return;
        }

        try
        {
            await RunAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            ReleaseSlots();
        }
    }

    /// <summary>Takes a place in the listener's connection limit and in the sessions' descriptor budget,
    /// or refuses the connection (recording why).</summary>
    private bool TryTakeSlots(ConnectionContext connection)
    {
        if (!_listener.TryAcquireConnection())
        {
            var detail = $"Listener '{_listener.Name}' is at its limit of {_listener.Options.MaxConnections} connections.";
            _logger.ConnectionLimitReached(connection.ConnectionId, _listener.Name, _listener.Options.MaxConnections);
            Refuse(connection, CloseReason.ConnectionLimit, detail);
            return false;
        }

        if (!_budget.TryAcquire())
        {
            _listener.ReleaseConnection();
            var detail = $"The server's sessions are at their budget of {_budget.MaxSessions} of the process's {_budget.Limit} file descriptors.";
            if (_budget.TakeWarning(out var refused))
            {
                _logger.DescriptorBudgetReached(_budget.MaxSessions, _budget.Limit, refused);
            }

            Refuse(connection, CloseReason.ConnectionLimit, detail);
            return false;
        }

        return true;
    }

    private void ReleaseSlots()
    {
        _budget.Release();
        _listener.ReleaseConnection();
    }

    private Task RunAsync(ConnectionContext connection)
    {
        connection.Features.Set(_feature);
        if (_listener.Admission.CountsViolations)
        {
            connection.Features.Set(new SessionOutcomeFeature());
        }

        return _next(connection);
    }

    private string Describe(AdmissionRejection rejection, IPAddress? remote)
    {
        var options = _listener.Options.Admission;
        return rejection switch
        {
            AdmissionRejection.AddressLimit => $"Per-address limit: {remote} already has {options.MaxConnectionsPerAddress} connections to listener '{_listener.Name}'.",
            AdmissionRejection.Rate => $"Rate: {remote} opened more than {options.MaxNewConnectionsPerSecondPerAddress} connections to listener '{_listener.Name}' in one second.",
            AdmissionRejection.Denied => $"Denied by CIDR: {remote} is not allowed on listener '{_listener.Name}'.",
            AdmissionRejection.Banned => $"Banned: {remote} broke the framing {options.Ban.Violations} times within {options.Ban.Window} and is refused for {options.Ban.Duration}.",
            _ => rejection.ToString(),
        };
    }

    private void Refuse(ConnectionContext connection, CloseReason reason, string detail)
    {
        var now = DateTimeOffset.UtcNow;
        _registry.RecordClosed(new SessionInfo(
            connection.ConnectionId,
            _listener.Name,
            connection.RemoteEndPoint?.ToString(),
            connection.LocalEndPoint?.ToString(),
            now,
            LastReceivedAt: null,
            LastSentAt: null,
            BytesIn: 0,
            BytesOut: 0,
            FramesIn: 0,
            FramesOut: 0,
            QueuedBytes: 0,
            Encrypted: false,
            ClosedAt: now,
            CloseReason: reason,
            CloseDetail: detail));
    }
}
