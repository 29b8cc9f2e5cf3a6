namespace KestrelTcp.Cli.Bench;

/// <summary>What one <c>ktcp bench</c> run does.</summary>
/// <param name="Connection">Target, framing and TLS.</param>
/// <param name="Connections">Concurrent connections.</param>
/// <param name="Depth">Frames each connection keeps in flight (sent, reply not yet received).</param>
/// <param name="Size">Payload bytes per frame.</param>
/// <param name="Duration">How long replies are measured, after the warmup.</param>
/// <param name="Warmup">How long the load runs before measuring starts (JIT, connection ramp-up).</param>
/// <param name="Json">Print the report as one JSON object.</param>
/// <param name="Progress">Print a progress line to standard error every second.</param>
internal sealed record BenchSettings(
    ConnectionSettings Connection,
    int Connections,
    int Depth,
    int Size,
    TimeSpan Duration,
    TimeSpan Warmup,
    bool Json,
    bool Progress);
