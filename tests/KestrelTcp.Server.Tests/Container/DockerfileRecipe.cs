using System.Text.RegularExpressions;

namespace KestrelTcp.Server.Tests.Container;

/// <summary>The runtime stage of the Dockerfile, read the way the image builder reads it.</summary>
internal sealed partial class DockerfileRecipe
{
    public Dictionary<string, string> Environment { get; } = [];

    public List<string> Exposed { get; } = [];

    public List<string> Volumes { get; } = [];

    public string? User { get; private set; }

    public string? HealthCheck { get; private set; }

    public string? EntryPoint { get; private set; }

    public static DockerfileRecipe Load(string path)
    {
        // Join continuation lines, then keep only the instructions after the last FROM.
        var text = File.ReadAllText(path).Replace("\\\n", " ", StringComparison.Ordinal);
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var lastFrom = lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase));
        var recipe = new DockerfileRecipe();
        foreach (var line in lines.Skip(lastFrom + 1))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var instruction = line[..space].ToUpperInvariant();
            var rest = line[(space + 1)..].Trim();
            switch (instruction)
            {
                case "ENV":
                    foreach (Match m in EnvPair().Matches(rest))
                    {
                        recipe.Environment[m.Groups[1].Value] = m.Groups[2].Value;
                    }

                    break;
                case "EXPOSE":
                    recipe.Exposed.AddRange(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "VOLUME":
                    recipe.Volumes.AddRange(rest.Trim('[', ']').Split(',').Select(v => v.Trim().Trim('"')));
                    break;
                case "USER":
                    recipe.User = rest;
                    break;
                case "HEALTHCHECK":
                    recipe.HealthCheck = rest;
                    break;
                case "ENTRYPOINT":
                    recipe.EntryPoint = rest;
                    break;
            }
        }

        return recipe;
    }

    /// <summary>The arguments of an exec-form JSON array such as <c>["dotnet", "/app/x.dll"]</c>.</summary>
    public static string[] ExecForm(string instruction)
    {
        var start = instruction.IndexOf('[', StringComparison.Ordinal);
        return [.. ExecArgument().Matches(instruction[start..]).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex("""([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)""")]
    private static partial Regex EnvPair();

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex ExecArgument();
}
