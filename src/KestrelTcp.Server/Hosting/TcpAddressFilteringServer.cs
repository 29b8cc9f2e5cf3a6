using System.Collections;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Kestrel, with the TCP listeners left out of its address list. Kestrel lists every endpoint it binds as
/// <c>http://address:port</c>, the TCP listeners too, and the host logs each as "Now listening on:": a
/// device port announced as http:// misleads whoever reads the log (the listeners announce themselves as
/// <c>tcp://</c>). Everything else is Kestrel's own; the address list only hides the listeners' ports.
/// </summary>
internal sealed class TcpAddressFilteringServer : IServer
{
    private readonly IServer _inner;

    public TcpAddressFilteringServer(IServer inner, ListenerCatalog listeners)
    {
        _inner = inner;
        Features = new FeatureCollection(inner.Features);
        if (inner.Features.Get<IServerAddressesFeature>() is { } addresses)
        {
            Features.Set<IServerAddressesFeature>(new HttpAddresses(addresses, listeners));
        }
    }

    public IFeatureCollection Features { get; }

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull => _inner.StartAsync(application, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _inner.StopAsync(cancellationToken);

    public void Dispose() => _inner.Dispose();

    /// <summary>Whether <paramref name="address"/> (as Kestrel lists it) is one of the TCP listeners'.</summary>
    internal static bool IsListenerAddress(string address, ListenerCatalog listeners)
    {
        var text = address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Port <= 0)
        {
            return false;
        }

        foreach (var listener in listeners.All)
        {
            if (listener.BoundEndPoint?.Port == uri.Port)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class HttpAddresses(IServerAddressesFeature inner, ListenerCatalog listeners) : IServerAddressesFeature
    {
        public ICollection<string> Addresses { get; } = new Filtered(inner.Addresses, listeners);

        public bool PreferHostingUrls
        {
            get => inner.PreferHostingUrls;
            set => inner.PreferHostingUrls = value;
        }
    }

    /// <summary>Kestrel's list as it is, read without the listeners' addresses; changes go to Kestrel's list.</summary>
    private sealed class Filtered(ICollection<string> inner, ListenerCatalog listeners) : ICollection<string>
    {
        public int Count
        {
            get
            {
                var count = 0;
                foreach (var address in inner)
                {
                    if (!IsListenerAddress(address, listeners))
                    {
                        count++;
                    }
                }

                return count;
            }
        }

        public bool IsReadOnly => inner.IsReadOnly;

        public void Add(string item) => inner.Add(item);

        public void Clear() => inner.Clear();

        public bool Contains(string item) => inner.Contains(item) && !IsListenerAddress(item, listeners);

        public void CopyTo(string[] array, int arrayIndex)
        {
            foreach (var address in this)
            {
                array[arrayIndex++] = address;
            }
        }

        public bool Remove(string item) => inner.Remove(item);

        public IEnumerator<string> GetEnumerator()
        {
            foreach (var address in inner)
            {
                if (!IsListenerAddress(address, listeners))
                {
                    yield return address;
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
