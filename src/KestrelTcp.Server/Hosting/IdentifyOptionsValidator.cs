using System.Text.RegularExpressions;

namespace KestrelTcp.Server.Hosting;

/// <summary>Checks a listener's <see cref="IdentifyOptions"/> at start; each error names the setting.</summary>
internal static class IdentifyOptionsValidator
{
    public static IEnumerable<string> Validate(string path, IdentifyOptions identify)
    {
        var byPattern = !string.IsNullOrEmpty(identify.Pattern);
        var byBytes = identify.Offset is not null || identify.Length is not null;
        if (byPattern == byBytes)
        {
            yield return $"{path}:Identify needs either Pattern or Offset and Length (not both, not neither).";
        }

        if (byPattern)
        {
            string? error = null;
            try
            {
                var regex = new Regex(identify.Pattern!, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                if (Array.IndexOf(regex.GetGroupNames(), "id") < 0)
                {
                    error = $"{path}:Identify:Pattern must have a named group 'id', e.g. ^REG,(?<id>\\d{{15}}) (was '{identify.Pattern}').";
                }
            }
            catch (ArgumentException ex)
            {
                error = $"{path}:Identify:Pattern is not a valid regular expression: {ex.Message}";
            }

            if (error is not null)
            {
                yield return error;
            }
        }

        if (byBytes)
        {
            if (identify.Offset is not { } offset || offset is < 0 or > 65_535)
            {
                yield return $"{path}:Identify:Offset must be between 0 and 65535 (was {identify.Offset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not set"}).";
            }

            var maxLength = identify.Format == IdentifyFormat.Hex ? IdentifyOptions.MaxDeviceIdLength / 2 : IdentifyOptions.MaxDeviceIdLength;
            if (identify.Length is not { } length || length < 1 || length > maxLength)
            {
                yield return $"{path}:Identify:Length must be between 1 and {maxLength} for Format {identify.Format} (was {identify.Length?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not set"}).";
            }

            if (!Enum.IsDefined(identify.Format))
            {
                yield return $"{path}:Identify:Format must be Hex or Ascii.";
            }
        }

        if (identify.Frames is < 1 or > IdentifyOptions.MaxFrames)
        {
            yield return $"{path}:Identify:Frames must be between 1 and {IdentifyOptions.MaxFrames} (was {identify.Frames}).";
        }

        if (identify.Timeout < TimeSpan.Zero)
        {
            yield return $"{path}:Identify:Timeout must be zero (no limit) or positive (was {identify.Timeout}).";
        }

        if (!Enum.IsDefined(identify.OnDuplicate))
        {
            yield return $"{path}:Identify:OnDuplicate must be ReplaceOld or RejectNew.";
        }

        if (identify.MatchTimeout < TimeSpan.FromMilliseconds(1) || identify.MatchTimeout > TimeSpan.FromSeconds(10))
        {
            yield return $"{path}:Identify:MatchTimeout must be between 1 ms and 10 s (was {identify.MatchTimeout}).";
        }

        if (identify.MaxBytes is < 16 or > 65_536)
        {
            yield return $"{path}:Identify:MaxBytes must be between 16 and 65536 (was {identify.MaxBytes}).";
        }
    }
}
