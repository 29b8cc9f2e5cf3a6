using KestrelTcp.Server.Api;

namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>
/// A drain of another node, asked of this node's API: a <see cref="NodeRequestKind.Drain"/> request on the
/// target's command channel. The target starts its own <see cref="NodeDrain"/> (exactly as if its own API
/// had been asked) and answers once it has started; only that answer is reported as a drain. The caller
/// has written the audit row, naming the target, before this is called.
/// </summary>
internal sealed class RemoteDrain(CommandChannel channel, LocalNode local)
{
    /// <summary>Asks <paramref name="node"/> to drain and returns what it started. Throws
    /// <see cref="NodeCallException"/> naming the node when it did not answer, was busy or failed; never
    /// waits longer than the command timeout.</summary>
    public async Task<DrainResponse> DrainAsync(string node, string actor, CancellationToken cancellationToken)
    {
        var request = new NodeRequest(CommandChannel.NewRequestId(), local.Name, NodeRequestKind.Drain, actor);
        var reply = await channel.RequestAsync(node, request, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            { Status: NodeReplyStatus.Ok, Drain: { } drain } => drain,
            { Status: NodeReplyStatus.Busy } => throw new NodeCallException(node, NodeCallFailure.TooManyInFlight, reply.Error ?? $"Node {node} is busy; it did not start draining."),
            _ => throw new NodeCallException(node, NodeCallFailure.Failed, reply.Error ?? $"Node {node} answered the drain with {reply.Status}; it did not start draining."),
        };
    }
}
