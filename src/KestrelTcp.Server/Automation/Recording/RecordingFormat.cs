using System.Buffers;
using System.Text.Json;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Automation.Recording;

/// <summary>
/// The recording file format, <c>ktcp-recording</c> version 1: JSON Lines (UTF-8, one object per line).
/// The first line is the header <c>{"format":"ktcp-recording","version":1,"listener":…,"sessionId":…,
/// "remoteEndPoint":…,"deviceId":…,"framing":{…},"startedAt":…}</c>; then one line per frame
/// <c>{"t":12.345,"dir":"in","text":"…"}</c> (<c>t</c> in milliseconds since <c>startedAt</c>, <c>dir</c>
/// <c>in</c> = device to server, <c>out</c> = server to device; the payload without its framing as
/// <c>text</c> when it is printable UTF-8, otherwise <c>b64</c>; <c>"cut":N</c> when a payload longer than
/// MaxFrameBytes was cut, N being its real length); and last the footer
/// <c>{"footer":true,"stoppedAt":…,"reason":…,"frames":N,"dropped":N}</c>. Readers ignore fields they do
/// not know; a file without a footer was cut short (the server stopped abruptly). Read with <see cref="RecordingFile"/>.
/// </summary>
internal static class RecordingFormat
{
    public const string Format = RecordingFile.Format;

    public const int Version = RecordingFile.Version;

    /// <summary>Writes the header line.</summary>
    internal static void WriteHeader(IBufferWriter<byte> output, Session session, DateTimeOffset startedAt)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteNumber("version", Version);
        json.WriteString("listener", session.Listener.Name);
        json.WriteString("sessionId", session.Id);
        json.WriteString("remoteEndPoint", session.RemoteEndPointText);
        json.WriteString("deviceId", session.DeviceId);
        json.WritePropertyName("framing");
        JsonSerializer.Serialize(json, session.Listener.Options.Framing, RecordingFile.FramingJson);
        json.WriteString("startedAt", startedAt);
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    /// <summary>Writes one frame line.</summary>
    internal static void WriteFrame(IBufferWriter<byte> output, double milliseconds, FrameDirection direction, ReadOnlySpan<byte> payload, int originalLength)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteNumber("t", Math.Round(milliseconds, 3));
        json.WriteString("dir", direction == FrameDirection.In ? "in" : "out");
        if (IsText(payload))
        {
            json.WriteString("text", payload);
        }
        else
        {
            json.WriteBase64String("b64", payload);
        }

        if (originalLength > payload.Length)
        {
            json.WriteNumber("cut", originalLength);
        }

        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    /// <summary>Writes the footer line.</summary>
    internal static void WriteFooter(IBufferWriter<byte> output, DateTimeOffset stoppedAt, string reason, long frames, long dropped)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteBoolean("footer", true);
        json.WriteString("stoppedAt", stoppedAt);
        json.WriteString("reason", reason);
        json.WriteNumber("frames", frames);
        json.WriteNumber("dropped", dropped);
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    private static bool IsText(ReadOnlySpan<byte> payload)
    {
        foreach (var b in payload)
        {
            if (b < 0x20 && b != (byte)'\t')
            {
                return false;
            }
        }

        return System.Text.Unicode.Utf8.IsValid(payload);
    }
}
