namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>The part of a command meant for one node, and what became of it.</summary>
/// <param name="Node">The node.</param>
/// <param name="Status">Accepted, Refused, Unreachable, Timeout or Busy.</param>
/// <param name="Error">Why, when not accepted.</param>
/// <param name="Sessions">The sessions of that node the command named (empty for a broadcast the node did not accept).</param>
public sealed record NodeOutcome(string Node, NodeOutcomeStatus Status, string? Error, IReadOnlyList<string> Sessions)
{
    /// <summary>Whether the node gave no answer (Unreachable, Timeout, Busy).</summary>
    public bool NoAnswer => Status is NodeOutcomeStatus.Unreachable or NodeOutcomeStatus.Timeout or NodeOutcomeStatus.Busy;

    internal static NodeOutcomeStatus From(NodeCallFailure failure) => failure switch
    {
        NodeCallFailure.Timeout => NodeOutcomeStatus.Timeout,
        NodeCallFailure.TooManyInFlight => NodeOutcomeStatus.Busy,
        NodeCallFailure.TooLarge => NodeOutcomeStatus.Refused,
        _ => NodeOutcomeStatus.Unreachable,
    };
}
