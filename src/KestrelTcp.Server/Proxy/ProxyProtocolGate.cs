using System.Net;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Admission;
using KestrelTcp.Server.Hosting;
using Microsoft.AspNetCore.Connections;

namespace KestrelTcp.Server.Proxy;

/// <summary>
/// The PROXY protocol side of one listener with <c>ProxyProtocol</c> on: which peers may send a header
/// (<c>TrustedProxies</c>), reading the header off the front of a connection within <c>ProxyHeaderTimeout</c>,
/// and the counts of refusals. The header is consumed and nothing more: the bytes after it stay in the
/// transport's input for the TLS handshake or the session's first frame.
/// </summary>
internal sealed class ProxyProtocolGate
{
    /// <summary>What <c>TrustedProxies</c> means when it is empty: loopback, IPv4 and IPv6.</summary>
    public static readonly string[] DefaultTrustedProxies = ["127.0.0.0/8", "::1/128"];

    private readonly CidrRange[] _trusted;
    private long _untrusted;
    private long _headerFailures;

    public ProxyProtocolGate(ListenerOptions options)
    {
        HeaderTimeout = options.ProxyHeaderTimeout;
        TrustedProxies = options.TrustedProxies is { Length: > 0 } configured ? configured : DefaultTrustedProxies;
        _trusted = [.. TrustedProxies.Select(r => CidrRange.TryParse(r, out var range) ? range : throw new ArgumentException($"'{r}' is not a CIDR range.", nameof(options)))];
    }

    public TimeSpan HeaderTimeout { get; }

    /// <summary>The trusted ranges in effect (the configured ones, or loopback).</summary>
    public IReadOnlyList<string> TrustedProxies { get; }

    /// <summary>Connections refused because they did not come from a trusted proxy.</summary>
    public long UntrustedCount => Interlocked.Read(ref _untrusted);

    /// <summary>Connections closed because their PROXY header was missing, malformed or late.</summary>
    public long HeaderFailureCount => Interlocked.Read(ref _headerFailures);

    /// <summary>Whether <paramref name="peer"/> may send a PROXY header; counts a refusal when not.
    /// A peer without an IP address (not a TCP socket) is not trusted.</summary>
    public bool Admit(IPAddress? peer)
    {
        if (peer is not null)
        {
            foreach (var range in _trusted)
            {
                if (range.Contains(peer))
                {
                    return true;
                }
            }
        }

        Interlocked.Increment(ref _untrusted);
        return false;
    }

    /// <summary>
    /// Reads the PROXY header at the start of <paramref name="connection"/>'s input, waiting at most
    /// <see cref="HeaderTimeout"/> for all of it. On success exactly the header is consumed, and the bytes
    /// after it are left unexamined, so the next reader gets them at once. A failure is counted.
    /// </summary>
    public async Task<ProxyHeaderRead> ReadHeaderAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        long received = 0;
        using var timeout = new CancellationTokenSource(HeaderTimeout);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = buffer.Start;
                var examined = buffer.End;
                ProxyProtocolHeader header;
                bool parsed;
                try
                {
                    parsed = ProxyProtocolReader.Instance.TryParseMessage(buffer, ref consumed, ref examined, out header);
                }
                catch (ProxyProtocolException e)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    return Fail(e.Message);
                }

                if (parsed)
                {
                    // Consumed and examined at the header's end: bytes after it are not marked as seen.
                    input.AdvanceTo(consumed, consumed);
                    return new ProxyHeaderRead(header, null);
                }

                received = buffer.Length;
                input.AdvanceTo(consumed, examined);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return Fail($"The connection closed after {received} bytes, before a complete PROXY protocol header.");
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Fail($"No complete PROXY protocol header within {HeaderTimeout.TotalSeconds:0.###} s ({received} bytes received); ProxyHeaderTimeout bounds it.");
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return Fail($"The connection broke before a complete PROXY protocol header ({e.Message}).");
        }
    }

    private ProxyHeaderRead Fail(string failure)
    {
        Interlocked.Increment(ref _headerFailures);
        return new ProxyHeaderRead(null, failure);
    }
}
