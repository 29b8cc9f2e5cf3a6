namespace KestrelTcp.Server.Cluster;

/// <summary>An operator's edit of a device, as nodes send it to each other and keep it in Redis.</summary>
/// <param name="Node">The node that took the edit.</param>
/// <param name="Id">The device.</param>
/// <param name="Alias">Its alias now (null: none).</param>
/// <param name="Tags">Its tags now.</param>
/// <param name="Notes">Its notes now (null: none).</param>
/// <param name="Forgotten">Whether the device was forgotten instead.</param>
internal sealed record DeviceEdit(string Node, string Id, string? Alias, IReadOnlyList<string>? Tags, string? Notes, bool Forgotten = false);
