using System.IO.Pipelines;

namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>
/// Wraps a <see cref="PipeReader"/> and records what its user does with it: how many reads, how
/// many segments each buffer had, and every <c>AdvanceTo</c> as offsets into the last buffer read.
/// It also turns a spinning reader into a failure instead of a hung test: a reader that gives a
/// buffer back without consuming or examining all of it gets the same buffer again at once, forever.
/// </summary>
internal sealed class RecordingPipeReader(PipeReader inner) : PipeReader
{
    private const int SpinLimit = 1000;
    private ReadResult _last;
    private long _lastLength;
    private bool _lastAdvanceLeftBytesUnexamined;
    private int _spins;

    public int Reads { get; private set; }

    public int MaxSegments { get; private set; }

    /// <summary>(consumed, examined) of each AdvanceTo, as byte offsets into the buffer last read,
    /// together with that buffer's length.</summary>
    public List<(long Consumed, long Examined, long Length)> Advances { get; } = [];

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        Record(result);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        Record(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var buffer = _last.Buffer;
        var advance = (buffer.Slice(0, consumed).Length, buffer.Slice(0, examined).Length, buffer.Length);
        Advances.Add(advance);
        _lastAdvanceLeftBytesUnexamined = advance.Item1 == 0 && advance.Item2 < advance.Item3;
        inner.AdvanceTo(consumed, examined);
    }

    private void Record(ReadResult result)
    {
        var same = _lastAdvanceLeftBytesUnexamined && result.Buffer.Length == _lastLength && !result.IsCompleted;
        _spins = same ? _spins + 1 : 0;
        if (_spins > SpinLimit)
        {
            throw new InvalidOperationException($"The reader spins: {SpinLimit} reads in a row returned the same buffer it had not examined to the end.");
        }

        _last = result;
        _lastLength = result.Buffer.Length;
        Reads++;
        MaxSegments = Math.Max(MaxSegments, Sequences.SegmentCount(result.Buffer));
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);
}
