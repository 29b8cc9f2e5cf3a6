namespace KestrelTcp.Server.Cluster.Relay;

/// <summary>A batch taken off a <see cref="RelayQueue"/> to be published: a pooled buffer whose first
/// <see cref="Length"/> bytes are a <see cref="RelayMessage"/> (header space reserved, frames written).</summary>
internal readonly record struct RelayBatch(byte[] Buffer, int Length, int Frames);
