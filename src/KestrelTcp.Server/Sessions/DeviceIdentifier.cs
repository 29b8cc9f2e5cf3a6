using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// A listener's compiled <see cref="IdentifyOptions"/>: finds a device id in one of a session's first
/// frames. Shared by the listener's sessions and safe to use from any thread. It runs on the read loop,
/// once per frame for at most <see cref="IdentifyOptions.Frames"/> frames of a session and never after,
/// over at most <see cref="IdentifyOptions.MaxBytes"/> of a frame, and a regex match is cut off at
/// <see cref="IdentifyOptions.MatchTimeout"/>.
/// </summary>
internal sealed class DeviceIdentifier
{
    private readonly Regex? _regex;
    private readonly int _idGroup;
    private long _matchTimeouts;

    public DeviceIdentifier(IdentifyOptions options)
    {
        Options = options;
        if (!string.IsNullOrEmpty(options.Pattern))
        {
            _regex = new Regex(options.Pattern, RegexOptions.CultureInvariant, options.MatchTimeout);
            _idGroup = _regex.GroupNumberFromName("id");
        }
    }

    public IdentifyOptions Options { get; }

    /// <summary>Regex matches cut off by <see cref="IdentifyOptions.MatchTimeout"/> since start (each counted as no match).</summary>
    public long MatchTimeouts => Interlocked.Read(ref _matchTimeouts);

    /// <summary>The device id in <paramref name="payload"/>, or null when this frame does not carry a valid one.</summary>
    public string? TryIdentify(ReadOnlySpan<byte> payload) => _regex is null ? FromBytes(payload) : FromText(payload);

    /// <inheritdoc cref="TryIdentify(ReadOnlySpan{byte})"/>
    public string? TryIdentify(in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return TryIdentify(payload.FirstSpan);
        }

        // Only the part that can matter is copied: the pattern's window, or the bytes up to the id's end.
        var needed = (int)Math.Min(payload.Length, _regex is null ? (long)Options.Offset!.Value + Options.Length!.Value : Options.MaxBytes);
        var rented = ArrayPool<byte>.Shared.Rent(needed);
        try
        {
            payload.Slice(0, needed).CopyTo(rented);
            return TryIdentify(rented.AsSpan(0, needed));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Whether <paramref name="deviceId"/> may be a device id: 1 to <see cref="IdentifyOptions.MaxDeviceIdLength"/>
    /// characters, not only white space, and no control characters (it is untrusted text, shown and stored as text).</summary>
    public static bool IsValidDeviceId(string? deviceId)
    {
        if (string.IsNullOrWhiteSpace(deviceId) || deviceId.Length > IdentifyOptions.MaxDeviceIdLength)
        {
            return false;
        }

        for (var i = 0; i < deviceId.Length; i++)
        {
            var c = deviceId[i];
            if (char.IsControl(c))
            {
                return false;
            }

            if (char.IsSurrogate(c))
            {
                // Only whole surrogate pairs: a lone half is not text.
                if (!char.IsHighSurrogate(c) || i + 1 == deviceId.Length || !char.IsLowSurrogate(deviceId[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    private string? FromText(ReadOnlySpan<byte> payload)
    {
        var text = Encoding.UTF8.GetString(payload[..Math.Min(payload.Length, Options.MaxBytes)]);
        try
        {
            var match = _regex!.Match(text);
            if (!match.Success)
            {
                return null;
            }

            var group = match.Groups[_idGroup];
            return group.Success && IsValidDeviceId(group.Value) ? group.Value : null;
        }
        catch (RegexMatchTimeoutException)
        {
            Interlocked.Increment(ref _matchTimeouts);
            return null;
        }
    }

    private string? FromBytes(ReadOnlySpan<byte> payload)
    {
        var (offset, length) = (Options.Offset!.Value, Options.Length!.Value);
        if (payload.Length < offset + length)
        {
            return null;
        }

        var bytes = payload.Slice(offset, length);
        if (Options.Format == IdentifyFormat.Hex)
        {
            return Convert.ToHexString(bytes);
        }

        // Fixed-width ASCII fields are padded: trailing NULs and spaces are not part of the id.
        var end = bytes.Length;
        while (end > 0 && bytes[end - 1] is 0 or (byte)' ')
        {
            end--;
        }

        bytes = bytes[..end];
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return null;
            }
        }

        var id = Encoding.ASCII.GetString(bytes);
        return IsValidDeviceId(id) ? id : null;
    }
}
