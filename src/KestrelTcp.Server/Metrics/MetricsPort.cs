using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelTcp.Server.Metrics;

/// <summary>The separate metrics port, when <see cref="MetricsOptions.Port"/> is set: Kestrel's options for
/// it, which hold the bound endpoint once Kestrel has started.</summary>
internal sealed class MetricsPort
{
    /// <summary>Kestrel's options for the endpoint; null when there is no metrics port.</summary>
    public ListenOptions? ListenOptions { get; set; }

    /// <summary>The endpoint bound (with the real port when the configured one was 0), once started.</summary>
    public IPEndPoint? BoundEndPoint => ListenOptions?.IPEndPoint;
}
