namespace KestrelTcp.Server.Devices;

/// <summary>A page of the registry: filtered by text (<paramref name="Text"/> in id, alias, notes or the last
/// address), tag and online state, sorted by the column <paramref name="OrderBy"/> (one of <see cref="DeviceStore.SortColumns"/>).</summary>
internal sealed record DeviceQuery(string? Text, string? Tag, bool? Online, string OrderBy, bool Descending, long Skip, int Take);
