namespace KestrelTcp.Cli.Arguments;

/// <summary>What a command accepts: its positional arguments by name, flags (no value) and options (with a value).</summary>
internal sealed record CommandSpec(string Name, IReadOnlyList<string> Positionals, IReadOnlySet<string> Flags, IReadOnlySet<string> Options)
{
    /// <summary>Flags every command takes.</summary>
    public static readonly IReadOnlySet<string> CommonFlags = new HashSet<string>(StringComparer.Ordinal) { "--tls", "--insecure", "--help" };

    /// <summary>Options every command takes.</summary>
    public static readonly IReadOnlySet<string> CommonOptions = new HashSet<string>(StringComparer.Ordinal) { "--framing", "--max-frame", "--timeout", "--tls-host", "--cert", "--key", "--cert-password" };

    public static CommandSpec Create(string name, IReadOnlyList<string> positionals, IEnumerable<string> flags, IEnumerable<string> options) => new(
        name,
        positionals,
        new HashSet<string>(CommonFlags.Concat(flags), StringComparer.Ordinal),
        new HashSet<string>(CommonOptions.Concat(options), StringComparer.Ordinal));
}
