using System.Net;
using KestrelTcp.Server.Admission;
using KestrelTcp.Server.Hosting;
using Microsoft.AspNetCore.Connections;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Runs first for every connection of one listener: refuses it when the listener is at its
/// connection limit, the server's sessions have used their file-descriptor budget, or the server is
/// draining (recording why), and otherwise tags it with its listener.
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

        var remote = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        var rejection = _listener.Admission.TryAdmit(remote, out var ticket);
        if (rejection != AdmissionRejection.None)
        {
            var detail = Describe(rejection, remote);
            _logger.ConnectionRefused(connection.ConnectionId, _listener.Name, rejection, detail);
            Refuse(connection, CloseReason.Refused, detail);
            return;
        }

        try
        {
            await AcceptAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            var outcome = connection.Features.Get<SessionOutcomeFeature>()?.CloseReason;
            _listener.Admission.Release(ticket, outcome is CloseReason.FrameTooLarge or CloseReason.InvalidFrame);
        }
    }

    private async Task AcceptAsync(ConnectionContext connection)
    {
        if (!_listener.TryAcquireConnection())
        {
            var detail = $"Listener '{_listener.Name}' is at its limit of {_listener.Options.MaxConnections} connections.";
            _logger.ConnectionLimitReached(connection.ConnectionId, _listener.Name, _listener.Options.MaxConnections);
            Refuse(connection, CloseReason.ConnectionLimit, detail);
            return;
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
            return;
        }

        try
        {
            connection.Features.Set(_feature);
            if (_listener.Admission.CountsViolations)
            {
                connection.Features.Set(new SessionOutcomeFeature());
            }

            await _next(connection).ConfigureAwait(false);
        }
        finally
        {
            _budget.Release();
            _listener.ReleaseConnection();
        }
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
