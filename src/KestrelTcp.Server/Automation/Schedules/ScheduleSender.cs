using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Devices;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>
/// Sends a schedule's payload to its target through the same commands the API uses
/// (<see cref="ClusterCommands"/>): the role check, the audit row and the routing to each session's owner
/// node are theirs. Devices and tags are found as <c>/api/devices/{id}/send</c> and <c>/api/tags/{tag}/send</c> find them.
/// </summary>
internal sealed class ScheduleSender(ClusterCommands commands, ListenerCatalog listeners, DeviceRegistry devices, DeviceSessions deviceSessions)
{
    /// <summary>Sends and says what happened, for the schedule's last result.</summary>
    public async Task<string> SendAsync(Schedule schedule, CommandActor actor, byte[] payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        switch (schedule.TargetKind)
        {
            case ScheduleTargetKind.Session:
                return Describe(await commands.SendAsync(actor, [schedule.Target!], payload, cancellationToken).ConfigureAwait(false));
            case ScheduleTargetKind.Device:
                var session = deviceSessions.Find(schedule.Target!);
                return session is null
                    ? $"Device {schedule.Target} is offline: nothing sent."
                    : Describe(await commands.SendAsync(actor, [session], payload, cancellationToken).ConfigureAwait(false));
            case ScheduleTargetKind.Tag:
                var ids = devices.Store.IdsWithTag(schedule.Target!);
                var online = deviceSessions.FindAll(ids);
                if (online.Count == 0)
                {
                    return $"Tag {schedule.Target}: {ids.Count} devices, none online: nothing sent.";
                }

                var reached = 0;
                string? problem = null;
                foreach (var slice in online.Chunk(SessionCommands.MaxTargets))
                {
                    var result = await commands.SendAsync(actor, slice, payload, cancellationToken).ConfigureAwait(false);
                    reached += result.Result.Sessions.Count;
                    problem ??= Problem(result);
                }

                return problem ?? $"Sent to {reached} of {online.Count} online devices with tag {schedule.Target}.";
            case ScheduleTargetKind.Listener:
                return Describe(await commands.BroadcastAsync(actor, schedule.Target!, payload, cancellationToken).ConfigureAwait(false));
            default:
                var total = 0;
                string? first = null;
                foreach (var listener in listeners.All)
                {
                    var result = await commands.BroadcastAsync(actor, listener.Name, payload, cancellationToken).ConfigureAwait(false);
                    total += result.Result.Sessions.Count;
                    first ??= Problem(result);
                }

                return first ?? $"Sent to {total} sessions.";
        }
    }

    private static string Describe(ClusterCommandResult result) => Problem(result) ?? $"Sent to {result.Result.Sessions.Count} sessions.";

    private static string? Problem(ClusterCommandResult result) =>
        result.Unanswered is { } node ? $"Node {node.Node} did not answer: {node.Error}"
        : result.Result.Status != CommandStatus.Ok ? $"{result.Result.Status}: {result.Result.Error}"
        : null;
}
