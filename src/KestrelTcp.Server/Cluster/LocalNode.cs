using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Cluster;

/// <summary>This node: its name, the instance id of this process (a restarted node is a new instance
/// that replaces the old one's entries), when it started and where its API answers.</summary>
internal sealed class LocalNode(IOptions<ClusterOptions> options)
{
    public string Name { get; } = options.Value.EffectiveNodeName;

    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public string Version { get; } = typeof(LocalNode).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>The HTTP address, once Kestrel has bound it.</summary>
    public string? Address { get; set; }

    public NodeInfo Describe(SessionRegistry registry, DateTimeOffset now) =>
        new(Name, Address, Version, StartedAt, registry.Count, now, registry.IsDraining ? NodeState.Draining : NodeState.Up, Local: true);
}
