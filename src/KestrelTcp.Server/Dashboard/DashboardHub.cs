using KestrelTcp.Server.Dashboard.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// The dashboard hub at <c>/hubs/dashboard</c>. Thin on purpose: it registers browsers with
/// <see cref="DashboardViewers"/> (the <see cref="DashboardPublisher"/> pushes to them) and hands
/// commands to <see cref="DashboardCommands"/>. Browsers call <see cref="Watch"/>, <see cref="Unwatch"/>,
/// <see cref="Send"/>, <see cref="Broadcast"/> and <see cref="Kick"/>.
/// </summary>
internal sealed class DashboardHub : Hub<IDashboardClient>
{
    private readonly DashboardViewers _viewers;
    private readonly DashboardCommands _commands;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<DashboardHub> _logger;

    public DashboardHub(DashboardViewers viewers, DashboardCommands commands, IHostApplicationLifetime lifetime, ILogger<DashboardHub> logger)
    {
        _viewers = viewers;
        _commands = commands;
        _lifetime = lifetime;
        _logger = logger;
    }

    public override Task OnConnectedAsync()
    {
        if (_lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // SignalR closed every connection when shutdown began; one opened since (a browser
            // reconnecting at once) would only hold Kestrel up while sessions drain. The browser
            // keeps retrying and finds the server again when it is back.
            Context.Abort();
            return Task.CompletedTask;
        }

        // Negotiation already refused a connection past a cap with a 429; this is the exact check
        // (connections that negotiated at once). The error closes the connection, without reconnect,
        // and the page shows it.
        var actor = DashboardCommands.Actor(Context);
        var context = Context;
        if (_viewers.TryConnect(Context.ConnectionId, DashboardViewers.UserKey(actor), context.Abort, out var refusal) is null)
        {
            throw new HubException(refusal);
        }

        _logger.ViewerConnected(Context.ConnectionId, actor.Name);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        // This releases its watches and its place under the connection caps.
        _viewers.Disconnect(Context.ConnectionId);
        _logger.ViewerDisconnected(Context.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary>Starts sending a session's traffic to this browser; returns its recent frames. The
    /// publisher pushes the traffic to each browser on its own (no SignalR group), within its backlog.</summary>
    public Task<WatchResult> Watch(string sessionId) => Task.FromResult(_viewers.Watch(Context.ConnectionId, sessionId));

    /// <summary>Stops sending a session's traffic to this browser.</summary>
    public Task Unwatch(string sessionId)
    {
        _viewers.Unwatch(Context.ConnectionId, sessionId);
        return Task.CompletedTask;
    }

    /// <summary>Sends a text or hex payload to one or several sessions.</summary>
    public Task<CommandReply> Send(SendCommand command) =>
        _commands.SendAsync(DashboardCommands.Actor(Context), command, Context.ConnectionAborted);

    /// <summary>Sends a text or hex payload to every session of a listener.</summary>
    public Task<CommandReply> Broadcast(BroadcastCommand command) =>
        _commands.BroadcastAsync(DashboardCommands.Actor(Context), command, Context.ConnectionAborted);

    /// <summary>Disconnects one or several sessions with a reason.</summary>
    public Task<CommandReply> Kick(KickCommand command) =>
        _commands.KickAsync(DashboardCommands.Actor(Context), command, Context.ConnectionAborted);
}
