using System.Diagnostics.CodeAnalysis;

namespace KestrelTcp.Server.Devices;

/// <summary>What an operator may write into a device's row: the bounds and checks of alias, notes and tags.</summary>
internal static class DeviceFields
{
    /// <summary>Longest alias: 128 characters.</summary>
    public const int MaxAliasLength = 128;

    /// <summary>Longest notes: 4,096 characters.</summary>
    public const int MaxNotesLength = 4096;

    /// <summary>Most tags on one device: 32.</summary>
    public const int MaxTags = 32;

    /// <summary>Longest tag: 64 characters.</summary>
    public const int MaxTagLength = 64;

    /// <summary>Whether <paramref name="tag"/> is 1 to 64 characters of letters, digits, '_', '.', ':' or '-'.</summary>
    public static bool IsValidTag([NotNullWhen(true)] string? tag) =>
        !string.IsNullOrEmpty(tag) && tag.Length <= MaxTagLength && tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-');

    /// <summary>The tag rule, for error messages.</summary>
    public const string TagRule = "1 to 64 characters of letters, digits, '_', '.', ':' or '-'";

    public static bool TryCheckAlias(string? alias, out string? error)
    {
        error = alias is null ? null
            : alias.Length > MaxAliasLength ? $"alias must be at most {MaxAliasLength} characters (was {alias.Length})."
            : alias.Any(char.IsControl) ? "alias must not contain control characters."
            : null;
        return error is null;
    }

    public static bool TryCheckNotes(string? notes, out string? error)
    {
        error = notes is not null && notes.Length > MaxNotesLength ? $"notes must be at most {MaxNotesLength} characters (was {notes.Length})." : null;
        return error is null;
    }

    /// <summary>Checks <paramref name="tags"/> and returns them without duplicates, in the order given.</summary>
    public static bool TryCheckTags(IReadOnlyList<string?>? tags, [NotNullWhen(true)] out List<string>? checkedTags, out string? error)
    {
        checkedTags = null;
        error = null;
        if (tags is null)
        {
            error = "tags must be a list.";
            return false;
        }

        var kept = new List<string>();
        foreach (var tag in tags)
        {
            if (!IsValidTag(tag))
            {
                error = $"tags: each tag must be {TagRule} (was '{Cut(tag)}').";
                return false;
            }

            if (!kept.Contains(tag, StringComparer.Ordinal))
            {
                kept.Add(tag);
            }
        }

        if (kept.Count > MaxTags)
        {
            error = $"tags: at most {MaxTags} tags per device (got {kept.Count}).";
            return false;
        }

        checkedTags = kept;
        return true;
    }

    private static string Cut(string? text) => text is null ? "null" : text.Length > 70 ? text[..70] + "…" : text;
}
