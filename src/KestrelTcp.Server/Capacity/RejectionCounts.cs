using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Capacity;

/// <summary>Connections refused or failed since start, by reason.</summary>
/// <param name="Listeners">Refused by the listeners' admission (limit, per-address limit, rate, deny list, bans, PROXY protocol), summed.</param>
/// <param name="DescriptorBudget">Refused because the descriptor budget was spent.</param>
/// <param name="AcceptOutOfResources">Accepts that failed because the process was at its descriptor limit or the kernel out of buffers.</param>
/// <param name="AcceptReset">Connections reset before they could be accepted.</param>
/// <param name="AcceptRegistration">Connections gone between accept and registration with an event loop.</param>
public sealed record RejectionCounts(
    ListenerRejections Listeners,
    long DescriptorBudget,
    long AcceptOutOfResources,
    long AcceptReset,
    long AcceptRegistration)
{
    /// <summary>All of them.</summary>
    public long Total => Listeners.Total + DescriptorBudget + AcceptOutOfResources + AcceptReset + AcceptRegistration;
}
