using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices.History;

/// <summary>One stored frame of a device's history.</summary>
/// <param name="Id">The row id: increasing with time, the paging cursor.</param>
/// <param name="AtMs">When it was received or sent, in unix milliseconds.</param>
/// <param name="SessionId">The session it went through.</param>
/// <param name="Listener">The session's listener.</param>
/// <param name="Direction">Which way it went.</param>
/// <param name="Length">Its real length.</param>
/// <param name="Payload">The bytes kept (at most <c>MaxFrameBytes</c>).</param>
internal sealed record HistoryRow(long Id, long AtMs, string SessionId, string Listener, FrameDirection Direction, int Length, byte[] Payload)
{
    /// <summary>Whether only the start of the payload was kept.</summary>
    public bool Truncated => Payload.Length < Length;

    public DateTimeOffset At => DateTimeOffset.FromUnixTimeMilliseconds(AtMs);
}
