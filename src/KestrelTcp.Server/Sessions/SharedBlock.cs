using System.Buffers;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// A pooled buffer of framed frames queued for many sessions at once (a broker's relay block): every
/// queue holds a reference, and the buffer goes back to the pool when the last one is written or
/// dropped. One copy for all peers instead of one per peer.
/// </summary>
internal sealed class SharedBlock
{
    private int _references;

    /// <param name="buffer">A buffer rented from <see cref="ArrayPool{T}.Shared"/>; the block owns it now.</param>
    /// <param name="references">How many <see cref="Release"/> calls return it.</param>
    public SharedBlock(byte[] buffer, int references)
    {
        Buffer = buffer;
        _references = references;
    }

    public byte[] Buffer { get; }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
