using System.Collections.Concurrent;
using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Sessions;

/// <summary>The configured listeners, built once from validated options.</summary>
internal sealed class ListenerCatalog
{
    private readonly Dictionary<string, Listener> _byName;
    private readonly ConcurrentDictionary<string, Listener> _outbound = new(StringComparer.OrdinalIgnoreCase);

    public ListenerCatalog(IOptions<KestrelTcpOptions> options)
    {
        _byName = new Dictionary<string, Listener>(StringComparer.OrdinalIgnoreCase);
        OutboundBudget = new OutboundBudget(options.Value.MaxTotalOutboundBytes);
        foreach (var (name, listener) in options.Value.Listeners.OrderBy(l => l.Key, StringComparer.OrdinalIgnoreCase))
        {
            _byName[name] = new Listener(name, listener, OutboundBudget);
        }

        All = [.. _byName.Values];
    }

    public IReadOnlyList<Listener> All { get; }

    /// <summary>What all sessions of all listeners may hold in their outbound queues.</summary>
    public OutboundBudget OutboundBudget { get; }

    /// <summary>A configured listener, or the listener-like entry of an outbound connection, by name.</summary>
    public Listener? Find(string name) => _byName.GetValueOrDefault(name) ?? _outbound.GetValueOrDefault(name);

    /// <summary>The listener-like entries of the outbound connections (not bound by Kestrel, so not in <see cref="All"/>).</summary>
    public ICollection<Listener> Outbound => _outbound.Values;

    /// <summary>Adds the listener-like entry of an outbound connection; false when the name is taken.</summary>
    public bool TryAddOutbound(Listener listener) =>
        !_byName.ContainsKey(listener.Name) && _outbound.TryAdd(listener.Name, listener);

    /// <summary>Removes the entry of an outbound connection that was deleted.</summary>
    public void RemoveOutbound(string name) => _outbound.TryRemove(name, out _);
}
