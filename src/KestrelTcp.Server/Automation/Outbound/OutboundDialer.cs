using System.Net;
using System.Net.Sockets;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>
/// Dials targets and runs each connected socket through the same code as an accepted connection: a
/// Kestrel <see cref="ConnectionContext"/> (from <see cref="SocketConnectionContextFactory"/>), the
/// listener's <see cref="ListenerConnectionMiddleware"/> (connection limit, descriptor budget, drain) and
/// <see cref="TcpSessionHandler"/>. So an outbound session is listed, watched, sent to, kicked, identified
/// and counted like any other.
/// </summary>
internal sealed class OutboundDialer : IDisposable
{
    private readonly SocketConnectionContextFactory _factory;
    private readonly TcpSessionHandler _handler;
    private readonly SessionRegistry _registry;
    private readonly DescriptorBudget _budget;
    private readonly ILogger _sessionLogger;

    public OutboundDialer(IOptions<OutboundOptions> options, SessionRegistry registry, DescriptorBudget budget, IServiceProvider services, ILoggerFactory loggers)
    {
        var value = options.Value;
        if (!AllowedTargets.TryParse(value.AllowedTargets, out var allowed, out var error))
        {
            throw new OptionsValidationException(OutboundOptions.SectionName, typeof(OutboundOptions), [$"{OutboundOptions.SectionName}:{error}"]);
        }

        Allowed = allowed;
        ConnectTimeout = value.ConnectTimeout;
        _registry = registry;
        _budget = budget;
        _factory = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), loggers.CreateLogger("KestrelTcp.Server.Automation.Outbound.Sockets"));
        _handler = ActivatorUtilities.CreateInstance<TcpSessionHandler>(services);
        _sessionLogger = loggers.CreateLogger("KestrelTcp.Server.Sessions.Listener");
    }

    public AllowedTargets Allowed { get; }

    public TimeSpan ConnectTimeout { get; }

    public SessionRegistry Registry => _registry;

    /// <summary>Resolves <paramref name="target"/> and checks every address against the allow-list; throws
    /// <see cref="OutboundRefusedException"/> naming the setting when one is outside it.</summary>
    public async Task<IPAddress[]> ResolveAllowedAsync(OutboundTarget target, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(target.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(target.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        foreach (var address in addresses)
        {
            if (!Allowed.Allows(address, target.Port))
            {
                var allowed = Allowed.IsEmpty ? "empty: no outbound dialing is allowed" : string.Join(", ", Allowed.Text);
                var via = literal is null ? $" ({target.Host} resolves to {address})" : "";
                throw new OutboundRefusedException($"Target {target}{via} is not in {OutboundOptions.SectionName}:AllowedTargets ({allowed}).");
            }
        }

        return addresses;
    }

    /// <summary>
    /// Dials one of <paramref name="addresses"/> (in order, within the connect timeout each) and runs the
    /// session to its end. <paramref name="connected"/> is told the session id as soon as there is one.
    /// Returns how the session closed (null when the listener's limits refused it).
    /// </summary>
    public async Task<CloseReason?> RunAsync(IPAddress[] addresses, int port, Listener listener, Action<string> connected, CancellationToken cancellationToken)
    {
        var socket = await ConnectAsync(addresses, port, cancellationToken).ConfigureAwait(false);
        ConnectionContext context;
        try
        {
            socket.NoDelay = true;
            context = _factory.Create(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        try
        {
            var outcome = new SessionOutcomeFeature();
            context.Features.Set(outcome);
            connected(context.ConnectionId);
            var middleware = new ListenerConnectionMiddleware(_handler.OnConnectedAsync, listener, _registry, _budget, _sessionLogger);
            await middleware.OnConnectionAsync(context).ConfigureAwait(false);
            return context.Features.Get<SessionOutcomeFeature>()?.CloseReason;
        }
        finally
        {
            await context.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<Socket> ConnectAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(address, port, timeout.Token).ConfigureAwait(false);
                return socket;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                last = new TimeoutException($"Connecting to {new IPEndPoint(address, port)} took longer than {OutboundOptions.SectionName}:ConnectTimeout ({ConnectTimeout}).");
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    public void Dispose() => _factory.Dispose();
}
