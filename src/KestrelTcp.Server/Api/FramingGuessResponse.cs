namespace KestrelTcp.Server.Api;

/// <summary>Every framing kind tried on the input, best fit first.</summary>
/// <param name="InputBytes">Bytes of input.</param>
/// <param name="Candidates">The framings tried, by score, best first (ties in the order tried).</param>
public sealed record FramingGuessResponse(int InputBytes, FramingCandidate[] Candidates);
