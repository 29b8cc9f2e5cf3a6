namespace KestrelTcp.Server.Api;

/// <summary>A page of a device's history, newest first.</summary>
/// <param name="Items">The frames.</param>
/// <param name="NextBefore">The <c>before</c> of the next (older) page; null when this is the last.</param>
public sealed record DeviceMessagePage(IReadOnlyList<DeviceMessageInfo> Items, long? NextBefore);
