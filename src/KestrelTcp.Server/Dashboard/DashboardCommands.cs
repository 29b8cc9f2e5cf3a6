using System.Security.Claims;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.SignalR;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// The dashboard's send, broadcast and kick: decodes the payload and hands the command to
/// <see cref="ClusterCommands"/> (on a single node, <see cref="SessionCommands"/>), which validates it per
/// listener, routes it to the owners in a cluster and is shared with the REST API.
/// </summary>
internal sealed class DashboardCommands
{
    private readonly ClusterCommands _commands;

    public DashboardCommands(ClusterCommands commands) => _commands = commands;

    /// <summary>Who is calling (name, role, how they signed in) and from where, for the role check and the audit log.</summary>
    public static CommandActor Actor(HubCallerContext context) =>
        (context.User ?? new ClaimsPrincipal()).ToActor(context.GetHttpContext()?.Connection.RemoteIpAddress);

    public async Task<CommandReply> SendAsync(CommandActor actor, SendCommand? command, CancellationToken cancellationToken)
    {
        if (command is null)
        {
            return Refused("Give the sessions and the payload.");
        }

        if (!PayloadDecoder.TryDecode(command.Text, command.Hex, null, out var payload, out var error))
        {
            return Refused(error);
        }

        return Reply(await _commands.SendAsync(actor, command.SessionIds, payload, cancellationToken).ConfigureAwait(false));
    }

    public async Task<CommandReply> BroadcastAsync(CommandActor actor, BroadcastCommand? command, CancellationToken cancellationToken)
    {
        if (command is null || string.IsNullOrEmpty(command.Listener))
        {
            return Refused("Name the listener to broadcast to.");
        }

        if (!PayloadDecoder.TryDecode(command.Text, command.Hex, null, out var payload, out var error))
        {
            return Refused(error);
        }

        return Reply(await _commands.BroadcastAsync(actor, command.Listener, payload, cancellationToken).ConfigureAwait(false));
    }

    public async Task<CommandReply> KickAsync(CommandActor actor, KickCommand? command, CancellationToken cancellationToken)
    {
        if (command is null)
        {
            return Refused("Name the sessions to disconnect.");
        }

        return Reply(await _commands.KickAsync(actor, command.SessionIds, command.Reason, cancellationToken).ConfigureAwait(false));
    }

    private static CommandReply Refused(string error) => new(false, error, 0, 0, 0);

    private static CommandReply Reply(ClusterCommandResult cluster)
    {
        if (cluster.Unanswered is { } node)
        {
            return Refused(node.Error ?? $"Node {node.Node} gave no answer.");
        }

        var result = cluster.Result;
        if (result.Status != CommandStatus.Ok)
        {
            return Refused(result.Error ?? result.Status.ToString());
        }

        // Sessions of a node that did not accept its part count as failed, and the node is named.
        var missing = cluster.Nodes?.Where(n => n.Status != NodeOutcomeStatus.Accepted).ToList();
        var notSent = missing?.Sum(n => n.Sessions.Count) ?? 0;
        return new CommandReply(true, null, result.Sessions.Count, result.Failed.Count + notSent, result.Bytes, missing is { Count: > 0 } ? missing : null);
    }
}
