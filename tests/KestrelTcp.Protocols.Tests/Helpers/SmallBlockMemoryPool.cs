using System.Buffers;

namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>
/// A memory pool of tiny blocks, so that a real <see cref="System.IO.Pipelines.Pipe"/> built on it
/// hands its reader buffers made of many segments, with frames split across them.
/// </summary>
internal sealed class SmallBlockMemoryPool : MemoryPool<byte>
{
    private readonly int _blockSize;

    public SmallBlockMemoryPool(int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        _blockSize = blockSize;
    }

    public override int MaxBufferSize => _blockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, _blockSize);
        return new Block(new byte[_blockSize]);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(byte[] array) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = array;

        public void Dispose()
        {
        }
    }
}
