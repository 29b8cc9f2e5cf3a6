using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// The transport Kestrel asks first for every endpoint (it is registered last): it binds the endpoint
/// with the transport that serves it (<see cref="SessionTransportFactory"/> for inline session
/// listeners, Kestrel's socket transport for the rest) and puts the accept behind the endpoint's gate of
/// the <see cref="DescriptorBudget"/>: the sessions' gate for TCP listeners, the HTTP gate for the HTTP
/// endpoints. Without a descriptor limit there is nothing to keep, and the listeners are returned as they are.
/// </summary>
internal sealed class DescriptorGatedTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SessionTransportFactory _sessions;
    private readonly SocketTransportFactory _sockets;
    private readonly DescriptorBudget _budget;
    private readonly ILogger _logger;

    public DescriptorGatedTransportFactory(SessionTransportFactory sessions, DescriptorBudget budget, IOptions<SocketTransportOptions> socketOptions, ILoggerFactory loggers)
    {
        _sessions = sessions;
        _budget = budget;
        _sockets = new SocketTransportFactory(socketOptions, loggers);
        _logger = loggers.CreateLogger<DescriptorGatedTransportFactory>();
    }

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var inner = endpoint switch
        {
            InlineSessionEndPoint => await _sessions.BindAsync(endpoint, cancellationToken).ConfigureAwait(false),
            SessionEndPoint session => await _sockets.BindAsync(new IPEndPoint(session.Address, session.Port), cancellationToken).ConfigureAwait(false),
            _ => await _sockets.BindAsync(endpoint, cancellationToken).ConfigureAwait(false),
        };
        var gate = endpoint is SessionEndPoint ? _budget.SessionAccepts : _budget.HttpAccepts;
        return gate is null ? inner : new DescriptorGatedListener(inner, gate, _logger);
    }
}
