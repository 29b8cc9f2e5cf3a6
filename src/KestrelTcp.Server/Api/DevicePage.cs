using KestrelTcp.Server.Devices;

namespace KestrelTcp.Server.Api;

/// <summary>One page of the device registry.</summary>
/// <param name="Items">The devices on this page.</param>
/// <param name="Total">How many devices matched the filter.</param>
/// <param name="Page">This page's number, from 1.</param>
/// <param name="PageSize">The page size.</param>
/// <param name="Registry">The registry's counters.</param>
public sealed record DevicePage(IReadOnlyList<DeviceInfo> Items, long Total, int Page, int PageSize, DeviceRegistryStatus Registry);
