using System.IO.Pipelines;

namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>
/// Wraps a <see cref="PipeReader"/> and records what its user does with it: how many reads, how
/// many segments each buffer had, and every <c>AdvanceTo</c> as offsets into the last buffer read.
/// </summary>
internal sealed class RecordingPipeReader(PipeReader inner) : PipeReader
{
    private ReadResult _last;

    public int Reads { get; private set; }

    public int MaxSegments { get; private set; }

    /// <summary>(consumed, examined) of each AdvanceTo, as byte offsets into the buffer last read,
    /// together with that buffer's length.</summary>
    public List<(long Consumed, long Examined, long Length)> Advances { get; } = [];

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        _last = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        Reads++;
        MaxSegments = Math.Max(MaxSegments, Sequences.SegmentCount(_last.Buffer));
        return _last;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        _last = result;
        Reads++;
        MaxSegments = Math.Max(MaxSegments, Sequences.SegmentCount(result.Buffer));
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var buffer = _last.Buffer;
        Advances.Add((buffer.Slice(0, consumed).Length, buffer.Slice(0, examined).Length, buffer.Length));
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);
}
