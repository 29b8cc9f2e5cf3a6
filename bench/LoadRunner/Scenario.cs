namespace LoadRunner;

/// <summary>One load shape, as `ktcp bench` arguments.</summary>
internal sealed record Scenario(string Name, string Description, int Connections, int Depth, int Size)
{
    public static readonly Scenario[] All =
    [
        new("pipelined", "pipelined 100 conns × depth 32 × 64 B", 100, 32, 64),
        new("reqresp-100", "req/resp 100 × 1 × 64 B", 100, 1, 64),
        new("reqresp-1000", "req/resp 1,000 × 1 × 64 B", 1000, 1, 64),
        new("large", "64 KiB frames 10 × 4", 10, 4, 64 * 1024),
    ];
}
