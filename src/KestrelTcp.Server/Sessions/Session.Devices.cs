using System.Buffers;

namespace KestrelTcp.Server.Sessions;

internal sealed partial class Session
{
    private readonly DeviceDirectory? _devices;
    private string? _deviceId;

    // First frames still to be looked at for the device id (only the read loop touches it); 0 once the
    // session is identified, when its listener does not identify, or after the first Frames frames.
    private int _identifyFramesLeft;

    /// <summary>The device this session is, from its first frames (the listener's <c>Identify</c>) or named
    /// by an operator; null while it is not identified.</summary>
    public string? DeviceId => Volatile.Read(ref _deviceId);

    /// <summary>Sets <see cref="DeviceId"/>; only <see cref="DeviceDirectory.Claim"/> calls it, under its lock.</summary>
    internal void SetDeviceId(string deviceId)
    {
        Volatile.Write(ref _deviceId, deviceId);
        StartArchiving();
        MarkChanged();
    }

    /// <summary>
    /// Makes this session the device <paramref name="deviceId"/> (already validated). With
    /// <paramref name="replace"/>, a live session that was the device is closed as Replaced; without, the
    /// claim fails while it lives. Returns what happened and the other session concerned, if any.
    /// </summary>
    public DeviceClaim ClaimDevice(string deviceId, bool replace, out Session? other)
    {
        if (_devices is null)
        {
            other = null;
            SetDeviceId(deviceId);
            return DeviceClaim.Claimed;
        }

        var claim = _devices.Claim(this, deviceId, replace, out other);
        if (claim == DeviceClaim.ReplacedOld && other!.Close(Sessions.CloseReason.Replaced, $"Device {deviceId} connected again (session {Id}, from {RemoteEndPointText})."))
        {
            _logger.DeviceReplaced(deviceId, Id, other.Id);
        }

        return claim;
    }

    private void Identify(ReadOnlySpan<byte> payload) => Identified(Listener.Identifier!.TryIdentify(payload));

    private void Identify(in ReadOnlySequence<byte> payload) => Identified(Listener.Identifier!.TryIdentify(payload));

    /// <summary>What one of the first frames said: the device id it carried, or null.</summary>
    private void Identified(string? deviceId)
    {
        var options = Listener.Identifier!.Options;
        if (deviceId is null)
        {
            if (--_identifyFramesLeft == 0 && options.Required && DeviceId is null)
            {
                var detail = $"None of the first {options.Frames} frame(s) identified the device.";
                if (Close(Sessions.CloseReason.Unidentified, detail))
                {
                    _logger.SessionUnidentified(Id, detail);
                }
            }

            return;
        }

        // Identified: no later frame is looked at, whatever comes of the claim.
        _identifyFramesLeft = 0;
        var claim = ClaimDevice(deviceId, replace: options.OnDuplicate == Hosting.DuplicatePolicy.ReplaceOld, out var holder);
        if (claim == DeviceClaim.Duplicate)
        {
            if (Close(Sessions.CloseReason.Duplicate, $"Device {deviceId} is already connected (session {holder!.Id})."))
            {
                _logger.DuplicateDevice(Id, deviceId, holder.Id);
            }

            return;
        }

        _logger.SessionIdentified(Id, deviceId);
    }

    /// <summary>For the sweep: a session of a listener that requires identification that has not identified
    /// within its <c>Identify:Timeout</c> is closed as Unidentified. True when this call closed it.</summary>
    internal bool CloseIfUnidentifiedTooLong(long nowTicks)
    {
        if (Listener.Identifier?.Options is not { Required: true } options || options.Timeout <= TimeSpan.Zero
            || DeviceId is not null || nowTicks - ConnectedAt.UtcTicks <= options.Timeout.Ticks)
        {
            return false;
        }

        var detail = $"The device did not identify within {options.Timeout}.";
        if (!Close(Sessions.CloseReason.Unidentified, detail))
        {
            return false;
        }

        _logger.SessionUnidentified(Id, detail);
        return true;
    }
}
