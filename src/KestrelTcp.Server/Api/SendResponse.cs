using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>What a send or broadcast queued.</summary>
/// <param name="Sessions">Sessions the payload was queued for.</param>
/// <param name="Failed">Sessions that were closing (or, with <c>ServerBusy</c>, open but not sent to: the server's outbound budget was in use), with why.</param>
/// <param name="Bytes">Payload size in bytes (before framing).</param>
public sealed record SendResponse(IReadOnlyList<string> Sessions, IReadOnlyDictionary<string, SendResult> Failed, int Bytes);
