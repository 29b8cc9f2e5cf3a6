namespace KestrelTcp.Server.Api;

/// <summary>What <c>PATCH /api/devices/{id}</c> changes: each field given replaces the stored one; a field
/// left out (or null) stays as it is; an empty alias or notes clears it, an empty list removes every tag.</summary>
/// <param name="Alias">An operator's name for the device (at most 128 characters, no control characters).</param>
/// <param name="Tags">The device's tags (at most 32, each 1 to 64 characters of letters, digits, '_', '.', ':' or '-').</param>
/// <param name="Notes">Free text (at most 4,096 characters).</param>
public sealed record DeviceUpdateRequest(string? Alias = null, string?[]? Tags = null, string? Notes = null);
