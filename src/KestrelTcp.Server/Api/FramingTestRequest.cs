using KestrelTcp.Protocols;

namespace KestrelTcp.Server.Api;

/// <summary>The body of <c>POST /api/framing/test</c>.</summary>
/// <param name="Input">The bytes to decode, as text, hex or base64 (see <paramref name="InputEncoding"/>); at most <see cref="FramingLab.MaxInputBytes"/> bytes once decoded.</param>
/// <param name="InputEncoding"><c>text</c> (UTF-8, the default), <c>hex</c> or <c>base64</c>.</param>
/// <param name="Framing">The framing to try, with the same settings a listener's <c>Framing</c> section takes.</param>
/// <param name="Listener">Instead of <paramref name="Framing"/>: use this listener's current framing.</param>
/// <param name="Chunks">Feed the input as reads of these sizes (the rest, if any, as one last read); at most <see cref="FramingLab.MaxChunks"/>.</param>
/// <param name="SplitAt">Instead of <paramref name="Chunks"/>: offsets where one read ends and the next starts, ascending.</param>
/// <param name="EndOfStream">Close the stream after the last read, as a client closing would: bytes of an incomplete frame are then an error.</param>
public sealed record FramingTestRequest(
    string? Input,
    string? InputEncoding = null,
    FramingOptions? Framing = null,
    string? Listener = null,
    int[]? Chunks = null,
    int[]? SplitAt = null,
    bool EndOfStream = false);
