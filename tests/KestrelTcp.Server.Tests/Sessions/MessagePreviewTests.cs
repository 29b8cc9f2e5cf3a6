using System.Text;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Tests.Sessions;

/// <summary>Issue 13, point 6: the "last message" a session shows is one short line that is safe anywhere.</summary>
public sealed class MessagePreviewTests
{
    [Theory]
    [InlineData("temp=21.5", "temp=21.5")]
    [InlineData("a\r\nb\tc\\d", @"a\r\nb\tc\\d")]
    [InlineData("Grüße, 東京 🚚", "Grüße, 東京 🚚")]
    [InlineData("abc\u202Eevil", @"abc\u202Eevil")]
    public void TextIsShownAsTextWithInvisibleCharactersWrittenOut(string frame, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(frame);
        Assert.Equal(expected, MessagePreview.Of(bytes, bytes.Length));
    }

    [Fact]
    public void BinaryFramesAreShownAsHexCutAfterTwentyFourBytes()
    {
        Assert.Equal("0x0102FF", MessagePreview.Of([0x01, 0x02, 0xFF], 3));
        Assert.Equal("0x00", MessagePreview.Of([0x00], 1));
        var long40 = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();
        Assert.Equal("0x" + Convert.ToHexString(long40, 0, 24) + "…", MessagePreview.Of(long40, long40.Length));
    }

    [Fact]
    public void AFrameLongerThanWhatIsShownEndsInAnEllipsisEvenWhenItsTextIsCutInsideACharacter()
    {
        var frame = Encoding.UTF8.GetBytes(new string('x', 63) + "é and more");
        // 64 bytes end in the middle of "é": the incomplete character is left out, not shown as hex.
        Assert.Equal(new string('x', 63) + "…", MessagePreview.Of(frame.AsSpan(0, 64), frame.Length));
        Assert.Equal("short…", MessagePreview.Of("short"u8, 500));
    }

    [Fact]
    public void TheNewestReceivedFrameIsFoundAfterTheRingEvictsGrowsAndWraps()
    {
        var history = new SessionHistory(capacity: 8, previewBytes: 64, maxBytes: 4096);
        Assert.Null(history.NewestReceived(64, out _));
        for (var i = 0; i < 300; i++)
        {
            history.Record(FrameDirection.In, Encoding.UTF8.GetBytes($"in {i} " + new string('.', i % 50)), 1);
            Assert.Equal($"in {i} ", Encoding.UTF8.GetString(history.NewestReceived(64, out var length)!)[..($"in {i} ".Length)]);
            Assert.Equal($"in {i} ".Length + (i % 50), length);
            history.Record(FrameDirection.Out, Encoding.UTF8.GetBytes($"out {i}"), 1);
        }

        // Only sent frames left in the ring: no received frame to show.
        for (var i = 0; i < 8; i++)
        {
            history.Record(FrameDirection.Out, "ack"u8, 1);
        }

        Assert.Null(history.NewestReceived(64, out _));
        history.Record(FrameDirection.In, "last"u8, 1);
        Assert.Equal("last"u8.ToArray(), history.NewestReceived(64, out _));
        history.Release();
        Assert.Null(history.NewestReceived(64, out _));
    }
}
