using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Sessions;

/// <summary>The configured listeners, built once from validated options.</summary>
internal sealed class ListenerCatalog
{
    private readonly Dictionary<string, Listener> _byName;

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

    public Listener? Find(string name) => _byName.GetValueOrDefault(name);
}
