using System.Globalization;

namespace KestrelTcp.Cli.Arguments;

/// <summary>Arguments parsed against a <see cref="CommandSpec"/>, with typed getters that explain bad values.</summary>
internal sealed class ParsedArguments
{
    private readonly HashSet<string> _flags;
    private readonly Dictionary<string, string> _values;

    public ParsedArguments(IReadOnlyList<string> positionals, HashSet<string> flags, Dictionary<string, string> values)
    {
        Positionals = positionals;
        _flags = flags;
        _values = values;
    }

    public IReadOnlyList<string> Positionals { get; }

    public bool Has(string flag) => _flags.Contains(flag);

    public string? Value(string option) => _values.GetValueOrDefault(option);

    public int Int(string option, int fallback, int min, int max)
    {
        if (Value(option) is not { } text)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{option} must be a whole number from {min} to {max} (was '{text}').");
        }

        return value;
    }

    /// <summary>A byte count: a number with an optional k/K (1024) or m/M (1024²) suffix.</summary>
    public int Bytes(string option, int fallback, int min, int max)
    {
        if (Value(option) is not { } text)
        {
            return fallback;
        }

        var multiplier = 1L;
        var digits = text.Trim();
        if (digits.EndsWith("KiB", StringComparison.OrdinalIgnoreCase) || digits.EndsWith('k') || digits.EndsWith('K'))
        {
            multiplier = 1024;
            digits = digits.TrimEnd('B', 'b', 'i', 'I', 'k', 'K');
        }
        else if (digits.EndsWith("MiB", StringComparison.OrdinalIgnoreCase) || digits.EndsWith('m') || digits.EndsWith('M'))
        {
            multiplier = 1024 * 1024;
            digits = digits.TrimEnd('B', 'b', 'i', 'I', 'm', 'M');
        }

        if (!long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value * multiplier < min || value * multiplier > max)
        {
            throw new UsageException($"{option} must be a size from {min} to {max} bytes, like 64, 16k or 1M (was '{text}').");
        }

        return (int)(value * multiplier);
    }

    /// <summary>A duration: seconds by default (<c>10</c>, <c>2.5</c>), or with a unit (<c>500ms</c>, <c>10s</c>, <c>1m</c>).</summary>
    public TimeSpan Duration(string option, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (Value(option) is not { } text)
        {
            return fallback;
        }

        var value = ParseDuration(text, defaultUnitMs: 1000);
        if (value is not { } duration || duration < min || duration > max)
        {
            throw new UsageException($"{option} must be a duration from {Describe(min)} to {Describe(max)}, like 10, 10s, 500ms or 1m (was '{text}').");
        }

        return duration;
    }

    /// <summary>Milliseconds, as the option names say (<c>--timeout 5000</c>); a unit may be given too (<c>5s</c>).</summary>
    public TimeSpan Milliseconds(string option, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (Value(option) is not { } text)
        {
            return fallback;
        }

        var value = ParseDuration(text, defaultUnitMs: 1);
        if (value is not { } duration || duration < min || duration > max)
        {
            throw new UsageException($"{option} must be milliseconds from {min.TotalMilliseconds:0} to {max.TotalMilliseconds:0}, like 5000 or 5s (was '{text}').");
        }

        return duration;
    }

    private static TimeSpan? ParseDuration(string text, double defaultUnitMs)
    {
        var trimmed = text.Trim().ToLowerInvariant();
        var unitMs = defaultUnitMs;
        if (trimmed.EndsWith("ms", StringComparison.Ordinal))
        {
            unitMs = 1;
            trimmed = trimmed[..^2];
        }
        else if (trimmed.EndsWith('s'))
        {
            unitMs = 1000;
            trimmed = trimmed[..^1];
        }
        else if (trimmed.EndsWith('m'))
        {
            unitMs = 60_000;
            trimmed = trimmed[..^1];
        }

        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || double.IsNaN(number) || double.IsInfinity(number) || number < 0 || number > 1e9)
        {
            return null;
        }

        return TimeSpan.FromMilliseconds(number * unitMs);
    }

    private static string Describe(TimeSpan value) =>
        value.TotalSeconds >= 1 ? $"{value.TotalSeconds:0.###}s" : $"{value.TotalMilliseconds:0}ms";
}
