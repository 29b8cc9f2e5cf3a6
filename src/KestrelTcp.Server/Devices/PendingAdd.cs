namespace KestrelTcp.Server.Devices;

/// <summary>What became of a message to be queued for an offline device.</summary>
internal enum PendingAdd
{
    /// <summary>Queued.</summary>
    Queued,

    /// <summary>The device already has <c>Pending:MaxPerDevice</c> messages waiting.</summary>
    DeviceCountFull,

    /// <summary>The device's waiting messages would exceed <c>Pending:MaxBytesPerDevice</c>.</summary>
    DeviceBytesFull,

    /// <summary>All waiting messages would exceed <c>Pending:MaxTotalBytes</c>.</summary>
    TotalBytesFull,
}
