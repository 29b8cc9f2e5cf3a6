using System.Diagnostics;

namespace KestrelTcp.Client;

/// <summary>A timeout in milliseconds shared by the steps of one blocking call; -1 means no limit, as in Qt.</summary>
internal readonly struct Deadline
{
    private readonly long _start;
    private readonly int _milliseconds;

    private Deadline(int milliseconds)
    {
        // No clock read for the common "no limit" and "only look" cases.
        _start = milliseconds is Timeout.Infinite or 0 ? 0 : Stopwatch.GetTimestamp();
        _milliseconds = milliseconds;
    }

    /// <summary>Milliseconds left: 0 when expired, -1 (<see cref="Timeout.Infinite"/>) when unlimited.</summary>
    public int Remaining
    {
        get
        {
            if (_milliseconds is Timeout.Infinite or 0)
            {
                return _milliseconds;
            }

            var elapsed = (long)Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
            return (int)Math.Max(0, _milliseconds - elapsed);
        }
    }

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="milliseconds"/> is below -1.</exception>
    public static Deadline Start(int milliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(milliseconds, Timeout.Infinite);
        return new Deadline(milliseconds);
    }
}
