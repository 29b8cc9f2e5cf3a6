using KestrelTcp.Server.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Kestrel's entry point for a raw TCP connection. Thin on purpose: it wraps the connection in a
/// <see cref="Session"/>, configures its socket, registers it, runs it, and always removes it.
/// </summary>
internal sealed class TcpSessionHandler : ConnectionHandler
{
    private readonly SessionRegistry _registry;
    private readonly SessionEvents _events;
    private readonly HistoryOptions _history;
    private readonly HistoryBudget _historyBudget;
    private readonly ILogger<TcpSessionHandler> _logger;

    public TcpSessionHandler(SessionRegistry registry, SessionEvents events, IOptions<KestrelTcpOptions> options, HistoryBudget historyBudget, ILogger<TcpSessionHandler> logger)
    {
        _registry = registry;
        _events = events;
        _history = options.Value.History;
        _historyBudget = historyBudget;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var listener = connection.Features.Get<ListenerFeature>()!.Listener;
        var session = new Session(connection, listener, _history, _events, _logger, _historyBudget, _registry.Devices);
        using var scope = _logger.BeginSessionScope(session);
        session.ConfigureKeepAlive();
        _registry.Add(session);
        _logger.SessionOpened(session.Id, listener.Name, session.RemoteEndPoint);
        if (_registry.IsDraining)
        {
            session.Close(CloseReason.ServerShutdown, "The server is shutting down.");
        }

        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _registry.Remove(session);
            connection.Features.Get<SessionOutcomeFeature>()?.CloseReason = session.CloseReason;
            _logger.SessionClosed(session.Id, session.CloseReason ?? CloseReason.Error, session.CloseDetail);
        }
    }
}
