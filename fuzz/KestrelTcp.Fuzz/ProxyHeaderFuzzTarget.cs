using KestrelTcp.Protocols;

namespace KestrelTcp.Fuzz;

/// <summary>
/// The fuzzing check of <see cref="ProxyProtocolReader"/>, selected by <see cref="FuzzTarget"/> when the low four
/// bits of an input's first byte are <see cref="Selector"/>. The rest is <c>[split seed][stream...]</c>: the stream
/// is parsed whole and in cut reads (each a segment of a multi-segment buffer). Only
/// <see cref="ProxyProtocolException"/> may come out; the reader may not move consumed while it waits, may not
/// wait holding <see cref="ProxyProtocolReader.MaxHeaderBytes"/> or more, must consume exactly the header it
/// gives, and both readings must agree (same header, or the same error). A broken rule throws
/// <see cref="InvalidOperationException"/>.
/// </summary>
internal static class ProxyHeaderFuzzTarget
{
    /// <summary>The low four bits of the first byte that select this target (the codecs use 0 to 4).</summary>
    public const int Selector = 0x0F;

    /// <summary>Runs the check on <paramref name="input"/>, the bytes after the selector.</summary>
    /// <exception cref="InvalidOperationException">A rule was broken (a finding).</exception>
    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var stream = input[1..].ToArray();
        var whole = Parse([stream]);
        var split = Parse(FuzzTarget.Cut(stream, input[0]));
        Expect(whole == split, $"split reads disagree with one read: {whole} vs {split}");
    }

    private static string Parse(IReadOnlyList<byte[]> reads)
    {
        var pending = new List<byte[]>();
        try
        {
            foreach (var read in reads)
            {
                pending.Add(read);
                var buffer = FuzzTarget.Chain(pending);
                var consumed = buffer.Start;
                var examined = buffer.Start;
                if (ProxyProtocolReader.Instance.TryParseMessage(buffer, ref consumed, ref examined, out var header))
                {
                    var length = buffer.Slice(0, consumed).Length;
                    Expect(length == header.Length && length > 0 && length <= ProxyProtocolReader.MaxHeaderBytes, $"consumed {length} bytes for a header of {header.Length}");
                    Expect(consumed.Equals(examined), "examined past the header it gave");
                    Expect(header.Source is null == header.Destination is null, "gave one address without the other");
                    return $"v{header.Version} {header.Command} {header.Source} {header.Destination} {header.Length}";
                }

                Expect(consumed.Equals(buffer.Start), "consumed moved without a header");
                Expect(examined.Equals(buffer.End), "waits without having examined everything");
                Expect(buffer.Length < ProxyProtocolReader.MaxHeaderBytes, $"waits holding {buffer.Length} bytes");
            }
        }
        catch (ProxyProtocolException e)
        {
            Expect(!string.IsNullOrEmpty(e.Message) && !e.Message.Any(char.IsControl), "an error message that is empty or has control characters");
            return $"error: {e.Message}";
        }

        return "incomplete";
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{nameof(ProxyProtocolReader)}: {what}.");
        }
    }
}
