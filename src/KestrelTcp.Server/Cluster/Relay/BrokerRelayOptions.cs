namespace KestrelTcp.Server.Cluster.Relay;

/// <summary>
/// Bounds of the Broker relay between nodes, under <c>KestrelTcp:Cluster</c> (next to
/// <see cref="ClusterOptions"/>; only read when clustering is on). Each Broker listener has its own queue
/// of frames waiting to be published and its own channel; the read loops never wait for it.
/// </summary>
public sealed class BrokerRelayOptions
{
    /// <summary>Most bytes one Broker listener may hold for the relay (default 8 MiB), counted as the batch
    /// buffers it has taken (each <see cref="RelayMaxBatchBytes"/>), being filled, waiting or being published.
    /// Beyond, frames are not relayed to the other nodes (they still reach this node's sessions) and are
    /// counted as dropped. At least twice <see cref="RelayMaxBatchBytes"/> (one batch filling while one is published).</summary>
    public long RelayMaxQueueBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Most frames one Broker listener may hold for the relay (default 65,536), so that a flood of
    /// tiny frames is bounded too; beyond, frames are dropped from the relay and counted.</summary>
    public int RelayMaxQueueFrames { get; set; } = 65_536;

    /// <summary>Largest relay message, one Redis PUBLISH carrying many frames (default 256 KiB): the
    /// frames waiting are sent in batches of at most this many bytes, header included, and a message that
    /// arrives larger is dropped unread and counted. The same on every node. It must hold the largest frame
    /// of every Broker listener (its <c>Framing:MaxFrameBytes</c>) plus 80 bytes; and at most a quarter of
    /// the listener's <c>OutboundQueueBytes</c> keeps a relayed batch from making a reading session look slow.</summary>
    public int RelayMaxBatchBytes { get; set; } = 256 * 1024;

    /// <summary>Most relay messages from other nodes waiting to be delivered here, per Broker listener
    /// (default 256); beyond, the oldest are dropped and counted. With <see cref="RelayMaxBatchBytes"/> this
    /// bounds what other nodes can make this one hold.</summary>
    public int RelayMaxInboundMessages { get; set; } = 256;
}
