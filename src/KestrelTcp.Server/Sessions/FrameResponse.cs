namespace KestrelTcp.Server.Sessions;

/// <summary>What an <see cref="IFrameResponder"/> did with a frame.</summary>
internal enum FrameResponse
{
    /// <summary>No rule matched: the frame is recorded as usual.</summary>
    None,

    /// <summary>A rule matched (and replied, if it could): the frame is recorded as usual.</summary>
    Matched,

    /// <summary>A rule with <c>record: false</c> matched: the frame is kept out of the history and the durable history.</summary>
    Unrecorded,
}
