namespace LoadRunner;

/// <summary>One send phase of the cluster benchmark: accepted sends per second through one node's API, the
/// latency of each POST, and how many of the accepted sends the clients received.</summary>
internal sealed record SendFigures(string Title, double PerSecond, double P50Millis, double P99Millis, long Accepted, long Delivered, long Failed, string? FirstFailure);
