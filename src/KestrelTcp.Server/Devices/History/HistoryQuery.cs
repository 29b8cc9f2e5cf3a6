using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices.History;

/// <summary>Which of a device's frames to read, newest first.</summary>
/// <param name="DeviceId">The device.</param>
/// <param name="FromMs">Not before this time (unix milliseconds), if set.</param>
/// <param name="ToMs">Not after this time (unix milliseconds), if set.</param>
/// <param name="Text">Only frames whose payload, as text, contains this (case-insensitive for ASCII), if set.</param>
/// <param name="Direction">Only frames that went this way, if set.</param>
/// <param name="Before">Only rows with an id below this (the paging cursor), if set.</param>
/// <param name="Limit">At most this many rows; null for all (an export).</param>
internal sealed record HistoryQuery(string DeviceId, long? FromMs, long? ToMs, string? Text, FrameDirection? Direction, long? Before, int? Limit);
