namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Each listener's traffic per second between one sample and the next, from its cumulative
/// <see cref="Listener.Traffic"/>: what the dashboard's charts and a cluster node's heartbeat both send.
/// The caller measures the time between its samples; the first sample of a listener is all zeros. Used by
/// one loop at a time.
/// </summary>
internal sealed class ListenerRateSampler
{
    private readonly Dictionary<string, ListenerTraffic> _previous = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The rates of every listener of <paramref name="listeners"/> over the last <paramref name="seconds"/>.</summary>
    public ListenerRates[] Sample(IReadOnlyList<Listener> listeners, double seconds)
    {
        var rates = new ListenerRates[listeners.Count];
        for (var i = 0; i < rates.Length; i++)
        {
            var listener = listeners[i];
            var current = listener.Traffic();
            rates[i] = current.RatesSince(_previous.GetValueOrDefault(listener.Name, current), seconds, listener.Name);
            _previous[listener.Name] = current;
        }

        return rates;
    }
}
