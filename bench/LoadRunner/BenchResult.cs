using System.Text.Json;

namespace LoadRunner;

/// <summary>What one `ktcp bench --json` run reported.</summary>
internal sealed record BenchResult(double FramesPerSecond, double MegabytesPerSecond, double P50Micros, double P99Micros, double P999Micros, long Errors)
{
    public static BenchResult Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new BenchResult(
            Number(root, "framesPerSecond"),
            Number(root, "megabytesPerSecond", "mbPerSecond"),
            Number(root, "p50Us", "p50Micros", "latencyP50Us"),
            Number(root, "p99Us", "p99Micros", "latencyP99Us"),
            Number(root, "p999Us", "p999Micros", "latencyP999Us"),
            (long)Number(root, "errors"));
    }

    private static double Number(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (TryFind(element, name, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                return value.GetDouble();
            }
        }

        return 0;
    }

    private static bool TryFind(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }

                if (TryFind(property.Value, name, out value))
                {
                    return true;
                }
            }
        }

        value = default;
        return false;
    }
}
