namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>A target (or one of the addresses its name resolves to) is not in <c>KestrelTcp:Outbound:AllowedTargets</c>.</summary>
internal sealed class OutboundRefusedException(string message) : Exception(message);
