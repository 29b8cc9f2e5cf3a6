using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

/// <summary>
/// Whatever the encoder accepts, the decoder gives back unchanged, however the stream is split.
/// Payloads are random (fixed seeds) and made mostly of the bytes each codec treats specially.
/// </summary>
public sealed class RoundTripTests
{
    private const byte Plain = (byte)'A';

    public static TheoryData<string, Feed> CodecsAndFeeds()
    {
        var data = new TheoryData<string, Feed>();
        foreach (var name in Codecs.Names.Where(n => !n.StartsWith("Raw", StringComparison.Ordinal)))
        {
            foreach (var feed in Feed.All)
            {
                data.Add(name, feed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CodecsAndFeeds))]
    public async Task EveryPayloadTheEncoderAcceptsDecodesUnchanged(string name, Feed feed)
    {
        var codec = Codecs.Create(name);
        var payloads = RandomPayloads(codec, count: 60, seed: name.Length + feed.Seed);

        var decoded = await feed.DecodeAsync(codec, Bytes.Encode(codec, payloads));

        Assert.Equal(payloads, decoded.Success());
    }

    [Fact]
    public void RandomPayloadsCoverEmptyMaximalAndSpecialBytes()
    {
        var codec = Codecs.Create("Delimiter(7E7E)");

        var payloads = RandomPayloads(codec, count: 60, seed: 1);

        Assert.Contains(payloads, p => p.Length == 0);
        Assert.Contains(payloads, p => p.Length == codec.MaxFrameBytes);
        Assert.Contains(payloads, p => p.Contains((byte)0x7E));
    }

    /// <summary>The encoder accepts it, and it does not end in CR, which a line reader strips (see LineCodecTests).</summary>
    private static bool CanRoundTrip(FrameCodec codec, byte[] payload) =>
        codec.TryValidatePayload(payload, out _) && !(codec is LineCodec && payload.Length > 0 && payload[^1] == (byte)'\r');

    private static List<byte[]> RandomPayloads(FrameCodec codec, int count, int seed)
    {
        var random = new Random(seed);
        var alphabet = Codecs.Alphabet(codec);
        var payloads = new List<byte[]>();
        while (payloads.Count < count)
        {
            var length = codec is FixedCodec ? codec.MaxFrameBytes : random.Next(10) switch
            {
                0 => 0,
                1 => codec.MaxFrameBytes,
                _ => random.Next(1, codec.MaxFrameBytes),
            };
            var payload = new byte[length];
            for (var i = 0; i < length; i++)
            {
                payload[i] = alphabet[random.Next(alphabet.Length)];
            }

            // Repair rather than discard, so long payloads full of special bytes survive: replace
            // special bytes with a plain one until the encoder accepts the payload.
            while (!CanRoundTrip(codec, payload))
            {
                var special = Enumerable.Range(0, length).Where(i => payload[i] != Plain).ToArray();
                payload[special[random.Next(special.Length)]] = Plain;
            }

            payloads.Add(payload);
        }

        return payloads;
    }
}
