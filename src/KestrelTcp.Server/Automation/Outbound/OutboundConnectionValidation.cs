using System.Text.RegularExpressions;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>The checks one outbound connection's settings pass, from configuration or from the API.</summary>
internal static partial class OutboundConnectionValidation
{
    /// <summary>What a connection name may be.</summary>
    public const string NameRule = "1 to 64 letters, digits, '.', '_' or '-'";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name) && !OutboundOptions.SettingNames.Contains(name);

    /// <summary>The problems of <paramref name="options"/>, each naming <paramref name="path"/> and the setting.</summary>
    public static List<string> Validate(string path, OutboundConnectionOptions options, TimeSpan maxReconnectDelay, out OutboundTarget? target)
    {
        var errors = new List<string>();
        if (!OutboundTarget.TryParse(options.Target, out target))
        {
            errors.Add($"{path}:Target must be host:port or [IPv6]:port with a port from 1 to 65535 (was '{options.Target}').");
        }

        if (options.Framing is null)
        {
            errors.Add($"{path}:Framing is required.");
        }
        else
        {
            errors.AddRange(options.Framing.Validate($"{path}:Framing"));
        }

        if (options.ReconnectMin < TimeSpan.FromMilliseconds(10))
        {
            errors.Add($"{path}:ReconnectMin must be at least 10 ms (was {options.ReconnectMin}).");
        }

        if (options.ReconnectMax < options.ReconnectMin || options.ReconnectMax > maxReconnectDelay)
        {
            errors.Add($"{path}:ReconnectMax must be between ReconnectMin ({options.ReconnectMin}) and {OutboundOptions.SectionName}:MaxReconnectDelayLimit ({maxReconnectDelay}) (was {options.ReconnectMax}).");
        }

        if (options.IdleTimeout < TimeSpan.Zero)
        {
            errors.Add($"{path}:IdleTimeout must not be negative (was {options.IdleTimeout}).");
        }

        return errors;
    }
}
