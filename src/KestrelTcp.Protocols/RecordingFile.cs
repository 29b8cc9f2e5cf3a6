using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KestrelTcp.Protocols;

/// <summary>
/// Reads a KestrelTcp recording (<c>ktcp-recording</c> version 1, JSON Lines: a header with the framing,
/// one line per frame, a footer; see docs/recording-format.md), for the server's replay and <c>ktcp replay</c>.
/// </summary>
public static class RecordingFile
{
    /// <summary>The header's <c>format</c>.</summary>
    public const string Format = "ktcp-recording";

    /// <summary>The header's <c>version</c> this reads and the server writes.</summary>
    public const int Version = 1;

    /// <summary>How framing options are written in the header (camelCase, enums as names).</summary>
    public static readonly JsonSerializerOptions FramingJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Reads a recording: its framing and its frames in order (the footer and lines without a frame are skipped).</summary>
    /// <exception cref="InvalidDataException">Not a recording, or a version this does not read.</exception>
    public static (FramingOptions Framing, List<RecordedFrame> Frames) Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var first = reader.ReadLine() ?? throw new InvalidDataException("The recording is empty.");
        FramingOptions framing;
        using (var header = Parse(first, 1))
        {
            var root = header.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != Format)
            {
                throw new InvalidDataException($"Not a {Format} file: its first line has no \"format\":\"{Format}\".");
            }

            if (!root.TryGetProperty("version", out var version) || !version.TryGetInt32(out var number) || number != Version)
            {
                throw new InvalidDataException($"Unsupported {Format} version (this reads version {Version}).");
            }

            framing = root.TryGetProperty("framing", out var f) ? f.Deserialize<FramingOptions>(FramingJson) ?? new FramingOptions() : new FramingOptions();
        }

        var frames = new List<RecordedFrame>();
        string? line;
        var lineNumber = 1;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            using var document = Parse(line, lineNumber);
            var item = document.RootElement;
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("dir", out var dir) || !item.TryGetProperty("t", out var t))
            {
                continue;
            }

            var payload = item.TryGetProperty("b64", out var b64) ? b64.GetBytesFromBase64()
                : item.TryGetProperty("text", out var text) ? Encoding.UTF8.GetBytes(text.GetString() ?? "")
                : [];
            frames.Add(new RecordedFrame(t.GetDouble(), dir.GetString() == "in", payload));
        }

        return (framing, frames);
    }

    private static JsonDocument Parse(string line, int number)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Line {number} of the recording is not JSON: {ex.Message}", ex);
        }
    }
}
