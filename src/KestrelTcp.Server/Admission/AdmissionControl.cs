using System.Net;

namespace KestrelTcp.Server.Admission;

/// <summary>
/// Admission control of one listener: CIDR allow and deny lists (no state), and per-address connection
/// caps, new-connection rates and bans in a bounded table. Every call is O(1) under a short lock that is
/// never held across an await. Addresses without connections sit in an idle list (least recently idle
/// first); when the table is full, the oldest idle entry is forgotten, so many addresses cannot grow it.
/// </summary>
internal sealed class AdmissionControl
{
    private readonly ListenerAdmissionOptions _options;
    private readonly TimeProvider _time;
    private readonly CidrRange[] _allow;
    private readonly CidrRange[] _deny;
    private readonly Dictionary<IPAddress, AddressState> _table = [];
    private readonly LinkedList<AddressState> _idle = new();
    private readonly long[] _rejected = new long[Enum.GetValues<AdmissionRejection>().Length];
    private readonly Lock _lock = new();

    public AdmissionControl(ListenerAdmissionOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _allow = Parse(options.Allow);
        _deny = Parse(options.Deny);
    }

    /// <summary>Whether sessions' close reasons are wanted (bans are on).</summary>
    public bool CountsViolations => _options.Ban.Violations > 0;

    public int TrackedAddresses
    {
        get
        {
            lock (_lock)
            {
                return _table.Count;
            }
        }
    }

    public long RejectedCount(AdmissionRejection reason) => Interlocked.Read(ref _rejected[(int)reason]);

    /// <summary>Admits a connection from <paramref name="remote"/> (taking a slot that <see cref="Release"/>
    /// gives back) or says why not. A null address (not IP) is admitted untracked.</summary>
    public AdmissionRejection TryAdmit(IPAddress? remote, out AddressState? ticket)
    {
        ticket = null;
        if (remote is null)
        {
            return AdmissionRejection.None;
        }

        var address = CidrRange.Normalize(remote);
        if (Matches(_deny, address) || (_allow.Length > 0 && !Matches(_allow, address)))
        {
            return Count(AdmissionRejection.Denied);
        }

        if (!_options.TracksAddresses)
        {
            return AdmissionRejection.None;
        }

        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            var state = GetOrAdd(address);
            if (state is null)
            {
                // Full of addresses that all hold connections: the listener is at its limit anyway.
                return Count(AdmissionRejection.AddressLimit);
            }

            if (state.BannedUntil > now)
            {
                return Count(AdmissionRejection.Banned);
            }

            if (_options.MaxConnectionsPerAddress > 0 && state.Connections >= _options.MaxConnectionsPerAddress)
            {
                return Count(AdmissionRejection.AddressLimit);
            }

            if (_options.MaxNewConnectionsPerSecondPerAddress > 0)
            {
                if (state.RateWindowStart == long.MinValue || now - state.RateWindowStart >= TimeSpan.TicksPerSecond)
                {
                    state.RateWindowStart = now;
                    state.NewInWindow = 0;
                }

                if (state.NewInWindow >= _options.MaxNewConnectionsPerSecondPerAddress)
                {
                    return Count(AdmissionRejection.Rate);
                }

                state.NewInWindow++;
            }

            if (state.Connections++ == 0 && state.IdleNode is { } node)
            {
                _idle.Remove(node);
                state.IdleNode = null;
            }

            ticket = state;
            return AdmissionRejection.None;
        }
    }

    /// <summary>Gives back the slot of an admitted connection; a protocol violation counts toward a ban.</summary>
    public void Release(AddressState? ticket, bool violation)
    {
        if (ticket is null)
        {
            return;
        }

        var now = _time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            if (violation && _options.Ban.Violations > 0)
            {
                if (ticket.ViolationWindowStart == long.MinValue || now - ticket.ViolationWindowStart > _options.Ban.Window.Ticks)
                {
                    ticket.ViolationWindowStart = now;
                    ticket.Violations = 0;
                }

                if (++ticket.Violations >= _options.Ban.Violations)
                {
                    ticket.BannedUntil = now + _options.Ban.Duration.Ticks;
                    ticket.Violations = 0;
                    ticket.ViolationWindowStart = long.MinValue;
                }
            }

            if (--ticket.Connections == 0)
            {
                ticket.IdleNode = _idle.AddLast(ticket);
            }
        }
    }

    private AddressState? GetOrAdd(IPAddress address)
    {
        if (_table.TryGetValue(address, out var state))
        {
            return state;
        }

        if (_table.Count >= _options.MaxTrackedAddresses)
        {
            if (_idle.First is not { } oldest)
            {
                return null;
            }

            _idle.RemoveFirst();
            _table.Remove(oldest.Value.Address);
        }

        state = new AddressState(address);
        _table.Add(address, state);
        state.IdleNode = _idle.AddLast(state);
        return state;
    }

    private AdmissionRejection Count(AdmissionRejection reason)
    {
        Interlocked.Increment(ref _rejected[(int)reason]);
        return reason;
    }

    private static bool Matches(CidrRange[] ranges, IPAddress address)
    {
        foreach (var range in ranges)
        {
            if (range.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static CidrRange[] Parse(string[] ranges) =>
        [.. ranges.Select(r => CidrRange.TryParse(r, out var range) ? range : throw new ArgumentException($"'{r}' is not a CIDR range.", nameof(ranges)))];
}
