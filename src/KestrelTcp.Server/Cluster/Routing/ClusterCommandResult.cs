using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>A command's outcome across the cluster: the merged <see cref="Result"/> (only what an owner
/// accepted is in its sessions) and, when clustered, what each node made of its part.</summary>
/// <param name="Result">The merged outcome.</param>
/// <param name="Nodes">Per target node, this one included; null on a single node.</param>
internal sealed record ClusterCommandResult(CommandResult Result, IReadOnlyList<NodeOutcome>? Nodes)
{
    /// <summary>The first node that gave no answer, when no session at all was accepted: then the whole
    /// command answers 503 or 504 naming it, since nothing was done that could be reported.</summary>
    public NodeOutcome? Unanswered =>
        Result.Status == CommandStatus.Ok && Result.Sessions.Count == 0 && Result.Failed.Count == 0
            ? Nodes?.FirstOrDefault(n => n.NoAnswer)
            : null;
}
