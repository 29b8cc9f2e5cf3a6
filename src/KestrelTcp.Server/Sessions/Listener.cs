using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Admission;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Proxy;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// A configured TCP listener at run time: its options, its codec (shared by all its sessions), its
/// live sessions and its connection count.
/// </summary>
internal sealed class Listener
{
    private int _connections;
    private long _accepted;
    private long _rejected;
    private int _peakConnections;
    private long _opened;

    // What the sessions that left had counted, for Traffic(): added once per closed session.
    private long _closed;
    private long _closedFramesIn;
    private long _closedFramesOut;
    private long _closedBytesIn;
    private long _closedBytesOut;

    // Bumped after every change to Sessions; the snapshot remembers the version it was taken at.
    private int _membership;
    private SessionSnapshot _snapshot = new(-1, []);

    public Listener(string name, ListenerOptions options, OutboundBudget? outboundBudget = null)
    {
        Name = name;
        Options = options;
        OutboundBudget = outboundBudget ?? OutboundBudget.Unlimited;
        Codec = options.Framing.CreateCodec();
        Admission = new AdmissionControl(options.Admission, TimeProvider.System);
        Proxy = options.ProxyProtocol ? new ProxyProtocolGate(options) : null;
        Identifier = options.Identify is null ? null : new DeviceIdentifier(options.Identify);
    }

    /// <summary>How sessions identify as devices (<c>Identify</c>); null when they do not.</summary>
    public DeviceIdentifier? Identifier { get; }

    /// <summary>The process-wide budget for outbound queues, shared by every listener.</summary>
    public OutboundBudget OutboundBudget { get; }

    /// <summary>The PROXY protocol gate when <c>ProxyProtocol</c> is on; null (nothing to do) when it is off.</summary>
    public ProxyProtocolGate? Proxy { get; }

    /// <summary>This listener's per-address admission control.</summary>
    public AdmissionControl Admission { get; }

    public string Name { get; }

    public ListenerOptions Options { get; }

    public FrameCodec Codec { get; }

    public ListenerMode Mode => Options.Mode;

    /// <summary>Where a Broker listener relays its frames beyond its own sessions (the other nodes of a
    /// cluster); null on a single node and for other modes. Set once, before the listener takes connections.</summary>
    public IBrokerRelay? Relay { get; private set; }

    /// <summary>Gives a Broker listener its relay (at start, before any connection is accepted).</summary>
    public void AttachRelay(IBrokerRelay relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        if (Mode != ListenerMode.Broker)
        {
            throw new InvalidOperationException($"Listener '{Name}' is not in Broker mode; only a broker relays its frames.");
        }

        Relay = relay;
    }

    /// <summary>Where the frames of this listener's identified sessions are archived (the durable device
    /// history); null when history is off. Set once, before the listener takes connections.</summary>
    public IFrameArchive? Archive { get; private set; }

    /// <summary>Gives the listener its archive (at start, before any connection is accepted).</summary>
    public void AttachArchive(IFrameArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        Archive = archive;
    }

    private IFrameResponder? _responder;

    /// <summary>What answers this listener's frames (its compiled auto-reply rules); null when it has no
    /// enabled rule, so a listener without rules pays one null check per frame. Swapped atomically.</summary>
    public IFrameResponder? Responder => Volatile.Read(ref _responder);

    /// <summary>Replaces <see cref="Responder"/> (null for none); frames already being matched finish with the old one.</summary>
    public void SetResponder(IFrameResponder? responder) => Volatile.Write(ref _responder, responder);

    /// <summary>The live sessions of this listener, by id. Change it through <see cref="AddSession"/> and
    /// <see cref="RemoveSession"/>, so that <see cref="SessionsSnapshot"/> sees the change.</summary>
    public ConcurrentDictionary<string, Session> Sessions { get; } = new(StringComparer.Ordinal);

    /// <summary>Kestrel's options for this listener's endpoint; Kestrel writes the bound port back into them.</summary>
    public ListenOptions? ListenOptions { get; set; }

    /// <summary>The endpoint actually bound (with the real port when the configured port was 0), once Kestrel has started.</summary>
    public IPEndPoint? BoundEndPoint => ListenOptions?.IPEndPoint;

    public int ConnectionCount => Volatile.Read(ref _connections);

    public long AcceptedTotal => Interlocked.Read(ref _accepted);

    public long RejectedTotal => Interlocked.Read(ref _rejected);

    /// <summary>The most connections this listener held at once since start (sessions, and connections
    /// on their way to becoming one: a PROXY header or TLS handshake in progress).</summary>
    public int PeakConnections => Volatile.Read(ref _peakConnections);

    /// <summary>Sessions opened since start (added to <see cref="Sessions"/>).</summary>
    public long OpenedTotal => Interlocked.Read(ref _opened);

    /// <summary>Connections refused since start, by reason: the listener's limit, its admission control and its PROXY protocol gate.</summary>
    public ListenerRejections Rejections => new(
        RejectedTotal,
        Admission.RejectedCount(AdmissionRejection.AddressLimit),
        Admission.RejectedCount(AdmissionRejection.Rate),
        Admission.RejectedCount(AdmissionRejection.Denied),
        Admission.RejectedCount(AdmissionRejection.Banned),
        Proxy?.UntrustedCount ?? 0,
        Proxy?.HeaderFailureCount ?? 0);

    /// <summary>Takes a connection slot, or returns false when the listener is at its limit.</summary>
    public bool TryAcquireConnection()
    {
        var count = Interlocked.Increment(ref _connections);
        if (count > Options.MaxConnections)
        {
            Interlocked.Decrement(ref _connections);
            Interlocked.Increment(ref _rejected);
            return false;
        }

        Interlocked.Increment(ref _accepted);

        // A read of a shared field per accept; written only when a new peak is reached.
        if (count > Volatile.Read(ref _peakConnections))
        {
            RaisePeak(count);
        }

        return true;
    }

    private void RaisePeak(int count)
    {
        var peak = Volatile.Read(ref _peakConnections);
        while (count > peak && Interlocked.CompareExchange(ref _peakConnections, count, peak) is var seen && seen != peak)
        {
            peak = seen;
        }
    }

    public void ReleaseConnection() => Interlocked.Decrement(ref _connections);

    public void AddSession(Session session)
    {
        Sessions[session.Id] = session;
        Interlocked.Increment(ref _membership);
        Interlocked.Increment(ref _opened);
    }

    public void RemoveSession(Session session)
    {
        if (Sessions.TryRemove(session.Id, out _))
        {
            Interlocked.Increment(ref _membership);
            Interlocked.Add(ref _closedFramesIn, session.FramesIn);
            Interlocked.Add(ref _closedFramesOut, session.FramesOut);
            Interlocked.Add(ref _closedBytesIn, session.BytesIn);
            Interlocked.Add(ref _closedBytesOut, session.BytesOut);
            Interlocked.Increment(ref _closed);
        }
    }

    /// <summary>
    /// This listener's traffic since start. Walks the live sessions with the dictionary's lock-free
    /// enumerator (not <c>Values</c>, which locks every bucket and copies), reading their counters: meant
    /// for samplers that run about once a second, not for the data path.
    /// </summary>
    public ListenerTraffic Traffic()
    {
        long framesIn = 0, framesOut = 0, bytesIn = 0, bytesOut = 0;
        foreach (var (_, session) in Sessions)
        {
            framesIn += session.FramesIn;
            framesOut += session.FramesOut;
            bytesIn += session.BytesIn;
            bytesOut += session.BytesOut;
        }

        return new ListenerTraffic(
            AcceptedTotal,
            Interlocked.Read(ref _closed),
            framesIn + Interlocked.Read(ref _closedFramesIn),
            framesOut + Interlocked.Read(ref _closedFramesOut),
            bytesIn + Interlocked.Read(ref _closedBytesIn),
            bytesOut + Interlocked.Read(ref _closedBytesOut));
    }

    /// <summary>
    /// The live sessions as an array, for fan-out (broker relay, broadcast): taken again only after a
    /// session joined or left, so a broker relaying frames among a stable set of sessions allocates nothing
    /// and takes none of the dictionary's locks. It may include a session that has just closed (its queue
    /// refuses frames) and miss one that has just joined. Never modify the array.
    /// </summary>
    public Session[] SessionsSnapshot()
    {
        var membership = Volatile.Read(ref _membership);
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot.Membership == membership)
        {
            return snapshot.Sessions;
        }

        // Read after the version: a change made meanwhile bumps the version again, and the next call retakes it.
        Session[] sessions = [.. Sessions.Values];
        Volatile.Write(ref _snapshot, new SessionSnapshot(membership, sessions));
        return sessions;
    }

    /// <summary>
    /// Delivers frames relayed from elsewhere (the same listener on another node) to every live session of
    /// this listener, as a broker's own fan-out does: <paramref name="block"/> (rented from
    /// <see cref="ArrayPool{T}.Shared"/>; this takes ownership) holds <paramref name="frames"/> frames already
    /// framed by <see cref="Codec"/> in its first <paramref name="length"/> bytes, and every session's queue
    /// gets one reference to it (one buffer for all), subject to the same outbound limits: a session over
    /// <c>OutboundQueueBytes</c> or the server's outbound budget is closed as <c>SlowConsumer</c>. Each session
    /// is woken once, and its writer may run right here; call it from a pool thread, never an event loop.
    /// Returns how many sessions the block was queued for.
    /// </summary>
    public int DeliverFramed(byte[] block, int length, int frames)
    {
        ArgumentNullException.ThrowIfNull(block);
        var sessions = SessionsSnapshot();
        if (frames <= 0 || length <= 0 || sessions.Length == 0)
        {
            ArrayPool<byte>.Shared.Return(block);
            return 0;
        }

        var queued = 0;
        if (sessions.Length == 1)
        {
            queued = sessions[0].EnqueueRelayed(OutboundFrame.Encoded(block, length, frames)) == SendResult.Queued ? 1 : 0;
            sessions[0].FlushOutbound();
            return queued;
        }

        // One reference per session, and this one, released last (as in a broker's own relay block).
        var shared = new SharedBlock(block, sessions.Length + 1);
        foreach (var session in sessions)
        {
            if (session.EnqueueRelayed(OutboundFrame.Shared(shared, length, frames)) == SendResult.Queued)
            {
                queued++;
            }
        }

        shared.Release();
        foreach (var session in sessions)
        {
            session.FlushOutbound();
        }

        return queued;
    }

    private sealed record SessionSnapshot(int Membership, Session[] Sessions);
}
