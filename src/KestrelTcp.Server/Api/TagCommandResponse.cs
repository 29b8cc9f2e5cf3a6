using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>What a send or kick by tag reached.</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Devices">Devices with the tag in the registry.</param>
/// <param name="Online">Of those, the ones with a live session (on any node).</param>
/// <param name="Reached">Sessions the payload was queued for, or that were kicked.</param>
/// <param name="Sessions">Those sessions.</param>
/// <param name="Failed">Sessions that were closing or busy, with why (sends only).</param>
public sealed record TagCommandResponse(string Tag, int Devices, int Online, int Reached, IReadOnlyList<string> Sessions, IReadOnlyDictionary<string, SendResult> Failed);
