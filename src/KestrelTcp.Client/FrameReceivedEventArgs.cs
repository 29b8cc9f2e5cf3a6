using System.Text;

namespace KestrelTcp.Client;

/// <summary>Data of the <see cref="KestrelTcpClient.FrameReceived"/> event.</summary>
public sealed class FrameReceivedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public FrameReceivedEventArgs(byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Frame = frame;
    }

    /// <summary>The frame's payload (without framing). The array belongs to the handler.</summary>
    public byte[] Frame { get; }

    /// <summary>The payload decoded as UTF-8.</summary>
    public string GetText() => Encoding.UTF8.GetString(Frame);
}
