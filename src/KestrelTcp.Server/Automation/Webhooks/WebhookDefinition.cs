using System.Text.RegularExpressions;

namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>The checks of an endpoint's name, URL, secret and events, shared by configuration and the API.</summary>
internal static partial class WebhookDefinition
{
    public const int MaxUrlLength = 2048;
    public const int MaxSecretLength = 256;
    public const string NameRule = "1 to 64 letters, digits, '-', '_' or '.'";

    public static bool IsValidName(string? name) => name is { Length: > 0 and <= 64 } && NamePattern().IsMatch(name);

    /// <summary>Null when <paramref name="url"/> is an absolute http or https URL, else why not.</summary>
    public static string? CheckUrl(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength)
        {
            return $"must be an absolute http or https URL of at most {MaxUrlLength} characters";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            return "must be an absolute http or https URL";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "must not carry a user name or password (sign with the secret instead)";
        }

        uri = parsed;
        return null;
    }

    /// <summary>Null when <paramref name="secret"/> is usable, else why not.</summary>
    public static string? CheckSecret(string? secret) =>
        string.IsNullOrEmpty(secret) || secret.Length > MaxSecretLength ? $"is required, 1 to {MaxSecretLength} characters" : null;

    /// <summary>The event kinds named in <paramref name="events"/> (all when empty), or null with the bad name.</summary>
    public static IReadOnlyList<WebhookEventKind>? ParseEvents(IEnumerable<string>? events, out string? bad)
    {
        bad = null;
        var kinds = new List<WebhookEventKind>();
        foreach (var raw in events ?? [])
        {
            var name = raw.Trim();
            if (name.Length == 0)
            {
                continue;
            }

            if (!Enum.TryParse<WebhookEventKind>(name, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(name, out _))
            {
                bad = name.Length > 32 ? name[..32] : name;
                return null;
            }

            if (!kinds.Contains(kind))
            {
                kinds.Add(kind);
            }
        }

        return kinds.Count == 0 ? Enum.GetValues<WebhookEventKind>() : kinds;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex NamePattern();
}
