namespace KestrelTcp.Cli.Arguments;

/// <summary>
/// A small POSIX-style parser: positionals, flags and <c>--option value</c> or <c>--option=value</c>, in any
/// order; <c>--</c> ends the options, so a message may start with a dash. Unknown options, missing values and
/// a wrong number of positionals are usage errors that name the problem.
/// </summary>
internal static class ArgumentParser
{
    public static ParsedArguments Parse(IReadOnlyList<string> args, CommandSpec spec)
    {
        var positionals = new List<string>();
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsEnded || arg.Length < 2 || arg[0] != '-')
            {
                positionals.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            if (arg == "-h")
            {
                flags.Add("--help");
                continue;
            }

            var name = arg;
            string? inlineValue = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }

            if (spec.Flags.Contains(name))
            {
                if (inlineValue is not null)
                {
                    throw new UsageException($"{name} takes no value.");
                }

                flags.Add(name);
            }
            else if (spec.Options.Contains(name))
            {
                if (inlineValue is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        throw new UsageException($"{name} needs a value.");
                    }

                    inlineValue = args[++i];
                }

                values[name] = inlineValue;
            }
            else
            {
                throw new UsageException($"Unknown option '{name}' for '{spec.Name}'. Run 'ktcp {spec.Name} --help' for its options.");
            }
        }

        var parsed = new ParsedArguments(positionals, flags, values);
        if (!parsed.Has("--help") && positionals.Count != spec.Positionals.Count)
        {
            var expected = string.Join(' ', spec.Positionals);
            throw positionals.Count < spec.Positionals.Count
                ? new UsageException($"'{spec.Name}' needs {expected}; missing {string.Join(' ', spec.Positionals.Skip(positionals.Count))}.")
                : new UsageException($"'{spec.Name}' takes {expected}; unexpected '{positionals[spec.Positionals.Count]}' (quote a message with spaces, or put it after --).");
        }

        return parsed;
    }
}
