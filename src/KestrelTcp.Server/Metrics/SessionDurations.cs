using System.Diagnostics.Metrics;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Metrics;

/// <summary>
/// <c>kestreltcp.session.duration</c>: how long each session lasted, recorded once when it closes (by
/// <see cref="SessionRegistry.Remove"/>, after the session's loops have ended), by listener and close
/// reason. Nothing is recorded per frame; with nobody listening a record is a check of a flag.
/// </summary>
internal sealed class SessionDurations
{
    /// <summary>From a second to a week: devices that bounce, that reconnect every few minutes, that stay for days.</summary>
    private static readonly double[] Buckets = [0.1, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600];

    private readonly Histogram<double> _duration;

    public SessionDurations(KestrelTcpMeter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _duration = meter.Meter.CreateHistogram(
            "kestreltcp.session.duration",
            unit: "s",
            description: "How long sessions lasted, recorded when they close.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    }

    public void Record(SessionInfo closed)
    {
        if (!_duration.Enabled || closed.ClosedAt is not { } closedAt)
        {
            return;
        }

        var seconds = Math.Max(0, (closedAt - closed.ConnectedAt).TotalSeconds);
        _duration.Record(
            seconds,
            new KeyValuePair<string, object?>(MetricTags.Listener, closed.Listener),
            new KeyValuePair<string, object?>(MetricTags.Reason, MetricTags.Of(closed.CloseReason ?? CloseReason.Error)));
    }
}
