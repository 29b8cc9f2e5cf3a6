using System.Diagnostics;
using System.Diagnostics.Metrics;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Metrics;

/// <summary>
/// The operator's commands: <c>kestreltcp.commands</c> counts each send, broadcast and kick taken by this
/// node (from the API or the dashboard) by its result, and <c>kestreltcp.cluster.command.duration</c> times
/// each part of one that travels to another node, from sending it to the owner's answer (or the timeout),
/// by node and outcome. Recorded by <see cref="Cluster.ClusterCommands"/>, never on the data path.
/// </summary>
internal sealed class CommandMetrics
{
    /// <summary>From a millisecond (Redis on the same host) to past the default 5 s command timeout.</summary>
    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _commands;
    private readonly Histogram<double> _routed;

    public CommandMetrics(KestrelTcpMeter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _commands = meter.Meter.CreateCounter<long>(
            "kestreltcp.commands",
            unit: "{command}",
            description: "Operator commands (send, broadcast, kick) taken by this node, by result.");
        _routed = meter.Meter.CreateHistogram(
            "kestreltcp.cluster.command.duration",
            unit: "s",
            description: "Time from sending a command's part to the node that owns its sessions to that node's answer.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    }

    /// <summary>Counts a command; <paramref name="command"/> is <c>send</c>, <c>broadcast</c> or <c>kick</c>.</summary>
    public void Completed(string command, CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _commands.Add(
            1,
            new KeyValuePair<string, object?>(MetricTags.Command, command),
            new KeyValuePair<string, object?>(MetricTags.Result, MetricTags.Of(result.Status)));
    }

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp)
    /// for a part of a command sent to <paramref name="node"/>.</summary>
    public void Routed(NodeRequestKind kind, string node, NodeOutcomeStatus outcome, long startTimestamp)
    {
        if (!_routed.Enabled)
        {
            return;
        }

        _routed.Record(
            Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>(MetricTags.Command, MetricTags.SnakeCase(kind.ToString())),
            new KeyValuePair<string, object?>(MetricTags.Node, node),
            new KeyValuePair<string, object?>(MetricTags.Result, MetricTags.Of(outcome)));
    }
}
