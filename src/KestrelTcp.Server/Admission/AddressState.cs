using System.Net;

namespace KestrelTcp.Server.Admission;

/// <summary>One address's counters in <see cref="AdmissionControl"/>; guarded by its lock.</summary>
internal sealed class AddressState(IPAddress address)
{
    public IPAddress Address { get; } = address;

    public int Connections { get; set; }

    public long RateWindowStart { get; set; } = long.MinValue;

    public int NewInWindow { get; set; }

    public long ViolationWindowStart { get; set; } = long.MinValue;

    public int Violations { get; set; }

    public long BannedUntil { get; set; } = long.MinValue;

    /// <summary>This entry's place in the idle list while it has no connections; null while it has some.</summary>
    public LinkedListNode<AddressState>? IdleNode { get; set; }
}
