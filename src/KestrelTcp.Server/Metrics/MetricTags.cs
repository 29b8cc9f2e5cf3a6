using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Metrics;

/// <summary>
/// The tag names of the <c>KestrelTcp</c> meter and the values they take. Every tag has few values (a
/// listener, a close reason, a result, a node), never a session, device or address, so the number of
/// series stays bounded whatever the devices do. Enum values are turned into snake_case strings once.
/// </summary>
internal static class MetricTags
{
    public const string Listener = "listener";
    public const string Reason = "reason";
    public const string Direction = "direction";
    public const string Kind = "kind";
    public const string State = "state";
    public const string Command = "command";
    public const string Result = "result";
    public const string Node = "node";

    public const string Receive = "receive";
    public const string Transmit = "transmit";

    private static readonly string[] CloseReasons = Names<CloseReason>();
    private static readonly string[] NodeStates = Names<NodeState>();
    private static readonly string[] CommandStatuses = Names<CommandStatus>();
    private static readonly string[] NodeOutcomes = Names<NodeOutcomeStatus>();

    public static string Of(CloseReason reason) => Name(CloseReasons, (int)reason, reason);

    public static string Of(NodeState state) => Name(NodeStates, (int)state, state);

    public static string Of(CommandStatus status) => Name(CommandStatuses, (int)status, status);

    public static string Of(NodeOutcomeStatus status) => Name(NodeOutcomes, (int)status, status);

    /// <summary><c>SlowConsumer</c> as <c>slow_consumer</c>: the style of OpenTelemetry's attribute values.</summary>
    public static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    private static string[] Names<T>()
        where T : struct, Enum =>
        [.. Enum.GetValues<T>().OrderBy(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)).Select(v => SnakeCase(v.ToString()))];

    private static string Name<T>(string[] names, int index, T value)
        where T : struct, Enum =>
        (uint)index < (uint)names.Length ? names[index] : SnakeCase(value.ToString());
}
