namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>What a decoding run produced: the frames, in order, and the error that stopped it, if any.</summary>
/// <param name="Frames">Copies of the decoded payloads.</param>
/// <param name="Error">The framing error, or null when the whole stream decoded.</param>
/// <param name="MaxSegments">The most segments seen in one buffer given to the parser.</param>
internal sealed record Decoded(IReadOnlyList<byte[]> Frames, FramingException? Error, int MaxSegments)
{
    public IReadOnlyList<string> Texts => Frames.Select(Bytes.Text).ToArray();

    /// <summary>Asserts a clean decode and returns the frames.</summary>
    public IReadOnlyList<byte[]> Success()
    {
        Assert.Null(Error);
        return Frames;
    }

    /// <summary>Asserts that decoding failed with <paramref name="error"/> and returns the exception.</summary>
    public FramingException Failure(FramingError error)
    {
        Assert.NotNull(Error);
        Assert.Equal(error, Error.Error);
        return Error;
    }
}
