namespace LoadRunner;

/// <summary>A server under test: how to start it on a port, pinned to one CPU.</summary>
internal sealed record ServerSpec(string Key, string Title, Func<int, int, string, (string File, string[] Arguments, Dictionary<string, string> Environment)> Command)
{
    public const string KestrelTcp = "kestreltcp";
    public const string KestrelTcpPooled = "kestreltcp-pooled";
    public const string Bare = "bare";
    public const string KestrelTcpClustered = "kestreltcp-cluster";
    public const string KestrelTcpNoMetrics = "kestreltcp-nometrics";

    public static readonly ServerSpec[] All =
    [
        new(KestrelTcp, "KestrelTcp (Echo, history on, dashboard watching)", (port, httpPort, data) => KestrelTcpServer(port, httpPort, data, inline: true)),
        new(KestrelTcpNoMetrics, "KestrelTcp, metrics off (KestrelTcp:Metrics:Enabled=false; same features otherwise)", (port, httpPort, data) =>
        {
            var (file, arguments, environment) = KestrelTcpServer(port, httpPort, data, inline: true);
            environment["KestrelTcp__Metrics__Enabled"] = "false";
            return (file, arguments, environment);
        }),
        new(KestrelTcpPooled, "KestrelTcp, InlineScheduling off (same features)", (port, httpPort, data) => KestrelTcpServer(port, httpPort, data, inline: false)),
        new(Bare, "bare Kestrel framed echo (baseline)", (port, _, _) => ("dotnet", [Paths.BareKestrel, port.ToString(System.Globalization.CultureInfo.InvariantCulture)], [])),
        new("node", "Node.js 20 net", (port, _, _) => ("node", [Paths.NodeEcho, port.ToString(System.Globalization.CultureInfo.InvariantCulture)], [])),
        new("dotnetty", "DotNetty 0.7.6", (port, _, _) => ("dotnet", [Paths.DotNetty, port.ToString(System.Globalization.CultureInfo.InvariantCulture)], [])),
    ];

    /// <summary>One of the KestrelTcp rows: started with an operator API key and watched by a dashboard client.</summary>
    public bool IsKestrelTcp => Key is KestrelTcp or KestrelTcpPooled or KestrelTcpClustered or KestrelTcpNoMetrics;

    /// <summary>The first KestrelTcp row with clustering on: a member of the cluster on <paramref name="redis"/>,
    /// under a fresh node name each run (a killed node's name stays claimed until its heartbeat expires).</summary>
    public static ServerSpec Clustered(string redis) => new(KestrelTcpClustered, "KestrelTcp, clustering on (same features, a node of a Redis cluster)", (port, httpPort, data) =>
    {
        var (file, arguments, environment) = KestrelTcpServer(port, httpPort, data, inline: true);
        environment["KestrelTcp__Cluster__Redis"] = redis;
        environment["KestrelTcp__Cluster__NodeName"] = "bench-" + Guid.NewGuid().ToString("N")[..8];
        return (file, arguments, environment);
    });

    /// <summary>KestrelTcp with the listener the way the benchmark uses it; <paramref name="inline"/> is the
    /// listener's InlineScheduling setting (on by default).</summary>
    private static (string, string[], Dictionary<string, string>) KestrelTcpServer(int port, int httpPort, string data, bool inline) => ("dotnet", [Paths.Server], new Dictionary<string, string>
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
        ["KestrelTcp__DataPath"] = data,
        ["KestrelTcp__Listeners__default__Address"] = "127.0.0.1",
        ["KestrelTcp__Listeners__default__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["KestrelTcp__Listeners__default__Mode"] = "Echo",
        ["KestrelTcp__Listeners__default__Framing__Kind"] = "LengthPrefixed",
        ["KestrelTcp__Listeners__default__Framing__MaxFrameBytes"] = "65536",
        ["KestrelTcp__Listeners__default__MaxConnections"] = "20000",
        ["KestrelTcp__Listeners__default__InlineScheduling"] = inline ? "true" : "false",
        ["Logging__LogLevel__Default"] = "Warning",
    });
}
