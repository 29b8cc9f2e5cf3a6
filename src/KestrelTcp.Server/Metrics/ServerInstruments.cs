using System.Diagnostics.Metrics;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Metrics;

/// <summary>
/// The server-wide figures of the <c>KestrelTcp</c> meter, all observable and read at collection time: the
/// budgets (outbound queues, histories, file descriptors), the session events the dashboard missed, the
/// dashboard's browsers and the frames dropped for them, and the cluster's nodes by state.
/// </summary>
internal sealed class ServerInstruments
{
    private readonly DescriptorBudget _descriptors;
    private readonly HttpConnectionBudget _http;
    private readonly IClusterView _cluster;
    private readonly CounterFloor _droppedFrames = new();

    public ServerInstruments(
        KestrelTcpMeter meter,
        ListenerCatalog listeners,
        HistoryBudget history,
        DescriptorBudget descriptors,
        HttpConnectionBudget http,
        SessionEvents events,
        DashboardViewers viewers,
        IClusterView cluster)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(listeners);
        _descriptors = descriptors;
        _http = http;
        _cluster = cluster;
        var outbound = listeners.OutboundBudget;
        var m = meter.Meter;

        m.CreateObservableUpDownCounter("kestreltcp.outbound.budget.used", () => outbound.Reserved, "By", "Credit of the server's outbound budget (KestrelTcp:MaxTotalOutboundBytes) held by sessions' queues.");
        m.CreateObservableUpDownCounter("kestreltcp.outbound.budget.limit", () => outbound.Limit, "By", "The server's outbound budget (KestrelTcp:MaxTotalOutboundBytes).");
        m.CreateObservableCounter("kestreltcp.outbound.budget.refused", () => outbound.Refused, "{frame}", "Enqueues refused because the outbound budget was in use.");

        m.CreateObservableUpDownCounter("kestreltcp.history.used", () => history.ReservedBytes, "By", "Bytes the sessions' frame histories hold (KestrelTcp:History:MaxTotalBytes).");
        m.CreateObservableUpDownCounter("kestreltcp.history.limit", () => history.MaxBytes, "By", "The histories' budget (KestrelTcp:History:MaxTotalBytes).");
        m.CreateObservableCounter("kestreltcp.history.refused", () => history.HistoriesRefused, "{history}", "Histories refused a growth step by the budget (each counted once): they keep fewer frames than configured.");

        m.CreateObservableUpDownCounter("kestreltcp.descriptors.used", DescriptorsUsed, "{descriptor}", "File descriptors held by connections, by kind (session, http).");
        m.CreateObservableUpDownCounter("kestreltcp.descriptors.available", DescriptorsAvailable, "{descriptor}", "File descriptors left in each kind's share of the budget (none reported when the process has no limit).");
        m.CreateObservableUpDownCounter("kestreltcp.descriptors.limit", DescriptorLimit, "{descriptor}", "The process's file-descriptor limit (none reported when unlimited).");
        m.CreateObservableCounter("kestreltcp.descriptors.refused", () => descriptors.RefusedTotal, "{connection}", "Sessions refused because their share of the file descriptors was in use.");

        m.CreateObservableCounter("kestreltcp.session_events.dropped", () => events.DroppedEvents, "{event}", "Session events the dashboard publisher could not keep up with (it resynchronises the browsers).");
        m.CreateObservableUpDownCounter("kestreltcp.dashboard.viewers", () => (long)viewers.Count, "{connection}", "Browsers connected to the dashboard hub.");
        m.CreateObservableCounter("kestreltcp.dashboard.viewers.refused", () => viewers.Refused, "{connection}", "Dashboard connections refused at a cap (KestrelTcp:Dashboard:MaxConnections, MaxConnectionsPerUser).");
        m.CreateObservableCounter("kestreltcp.dashboard.traffic.dropped", () => _droppedFrames.Rise(viewers.DroppedFrames()), "{frame}", "Watched-traffic frames dropped for browsers that did not keep up.");

        m.CreateObservableUpDownCounter("kestreltcp.cluster.nodes", Nodes, "{node}", "The cluster's nodes by state (up, draining, down), this one included; one up node without a cluster.");
    }

    private IEnumerable<Measurement<long>> DescriptorsUsed()
    {
        yield return new Measurement<long>(_descriptors.SessionsUsed, Kind("session"));
        yield return new Measurement<long>(_http.Anonymous + _http.SignedIn, Kind("http"));
    }

    private IEnumerable<Measurement<long>> DescriptorsAvailable()
    {
        if (_descriptors.Limit <= 0)
        {
            yield break;
        }

        yield return new Measurement<long>(Math.Max(0, _descriptors.MaxSessions - _descriptors.SessionsUsed), Kind("session"));
        yield return new Measurement<long>(Math.Max(0, _descriptors.MaxHttpConnections - _http.Anonymous - _http.SignedIn), Kind("http"));
    }

    private IEnumerable<Measurement<long>> DescriptorLimit()
    {
        if (_descriptors.Limit > 0)
        {
            yield return new Measurement<long>(_descriptors.Limit);
        }
    }

    private IEnumerable<Measurement<long>> Nodes()
    {
        var counts = new long[Enum.GetValues<NodeState>().Length];
        foreach (var node in _cluster.Nodes())
        {
            counts[(int)node.State]++;
        }

        for (var state = 0; state < counts.Length; state++)
        {
            yield return new Measurement<long>(counts[state], new KeyValuePair<string, object?>(MetricTags.State, MetricTags.Of((NodeState)state)));
        }
    }

    private static KeyValuePair<string, object?> Kind(string kind) => new(MetricTags.Kind, kind);
}
