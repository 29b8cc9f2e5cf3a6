using System.Text.Json.Serialization;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>What a send or broadcast queued.</summary>
/// <param name="Sessions">Sessions the payload was queued for (in a cluster: by the owner, which accepted it).</param>
/// <param name="Failed">Sessions that were closing (or, with <c>ServerBusy</c>, open but not sent to: the server's outbound budget was in use), with why.</param>
/// <param name="Bytes">Payload size in bytes (before framing).</param>
/// <param name="Nodes">In a cluster: each target node, what became of its part (Accepted, Refused, Unreachable,
/// Timeout, Busy) and its sessions named; sessions of a node that did not accept are in neither list above.
/// Absent on a single node.</param>
public sealed record SendResponse(
    IReadOnlyList<string> Sessions,
    IReadOnlyDictionary<string, SendResult> Failed,
    int Bytes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<NodeOutcome>? Nodes = null);
