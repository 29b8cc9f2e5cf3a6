using System.Text;
using KestrelTcp.Server.Devices.History;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>A frame from a device's durable history.</summary>
/// <param name="Id">The row id, increasing with time: pass the last one as <c>before</c> for the next page.</param>
/// <param name="At">When it was received or sent.</param>
/// <param name="SessionId">The session it went through.</param>
/// <param name="Listener">The session's listener.</param>
/// <param name="Direction">In (from the device) or Out (to it).</param>
/// <param name="Length">Payload size in bytes.</param>
/// <param name="Truncated">Whether only the start of the payload was kept (<c>Devices:History:MaxFrameBytes</c>).</param>
/// <param name="Text">The kept bytes as UTF-8 (invalid sequences replaced).</param>
/// <param name="Hex">The kept bytes as hexadecimal.</param>
public sealed record DeviceMessageInfo(long Id, DateTimeOffset At, string SessionId, string Listener, FrameDirection Direction, int Length, bool Truncated, string Text, string Hex)
{
    internal static DeviceMessageInfo From(HistoryRow row) => new(
        row.Id,
        row.At,
        row.SessionId,
        row.Listener,
        row.Direction,
        row.Length,
        row.Truncated,
        Encoding.UTF8.GetString(row.Payload),
        Convert.ToHexString(row.Payload));
}
