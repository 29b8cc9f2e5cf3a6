using System.Diagnostics.Metrics;

namespace KestrelTcp.Server.Metrics;

/// <summary>The server's meter, <c>KestrelTcp</c>, made by the host's <see cref="IMeterFactory"/> (and so
/// disposed with it). Instruments follow OpenTelemetry's naming: dotted lower-case names under
/// <c>kestreltcp.</c>, units in UCUM (<c>By</c>, <c>s</c>, <c>{session}</c>), which Prometheus shows as
/// <c>kestreltcp_sessions_active</c>, <c>kestreltcp_io_bytes_total</c> and so on.</summary>
internal sealed class KestrelTcpMeter
{
    /// <summary>The meter's name, for <c>AddMeter</c> and listeners.</summary>
    public const string Name = "KestrelTcp";

    public KestrelTcpMeter(IMeterFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Meter = factory.Create(Name, typeof(KestrelTcpMeter).Assembly.GetName().Version?.ToString());
    }

    public Meter Meter { get; }
}
