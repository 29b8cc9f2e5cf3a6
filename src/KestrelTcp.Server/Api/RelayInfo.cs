using KestrelTcp.Server.Cluster.Relay;

namespace KestrelTcp.Server.Api;

/// <summary>A Broker listener's relay to the other nodes of a cluster, counted since start.</summary>
/// <param name="PublishedFrames">Frames published to the other nodes.</param>
/// <param name="PublishedMessages">Relay messages (batches) published.</param>
/// <param name="QueueFullFrames">Frames not relayed because the relay queue was at its bound.</param>
/// <param name="UnsentFrames">Frames taken but not published (Redis away, the publish failed or timed out).</param>
/// <param name="ReceivedFrames">Frames from other nodes delivered to this node's sessions.</param>
/// <param name="ReceivedMessages">Messages from other nodes read and delivered.</param>
/// <param name="InboundDropped">Messages from other nodes dropped because too many waited.</param>
/// <param name="UnreadableMessages">Messages from other nodes dropped as malformed or too large.</param>
/// <param name="UnframeableFrames">Frames from other nodes this listener's framing cannot carry.</param>
/// <param name="MissedBatches">Batches other nodes numbered that never arrived (pub/sub is at most once).</param>
public sealed record RelayInfo(
    long PublishedFrames,
    long PublishedMessages,
    long QueueFullFrames,
    long UnsentFrames,
    long ReceivedFrames,
    long ReceivedMessages,
    long InboundDropped,
    long UnreadableMessages,
    long UnframeableFrames,
    long MissedBatches)
{
    internal static RelayInfo From(ListenerRelay relay) => new(
        relay.PublishedFrames,
        relay.PublishedMessages,
        relay.QueueFullFrames,
        relay.UnsentFrames,
        relay.ReceivedFrames,
        relay.ReceivedMessages,
        relay.InboundDropped,
        relay.UnreadableMessages,
        relay.UnframeableFrames,
        relay.MissedBatches);
}
