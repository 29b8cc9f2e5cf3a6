namespace LoadRunner;

/// <summary>An API key made with the server's own <c>generate-api-key</c> command, for the runner's hub and API clients.</summary>
internal sealed record Credentials(string Key, string KeyHash)
{
    private static Credentials? _cached;

    public static async Task<Credentials> GetAsync()
    {
        if (_cached is not null)
        {
            return _cached;
        }

        var output = await ChildProcess.RunAsync(null, "dotnet", [Paths.Server, "generate-api-key"], TimeSpan.FromSeconds(60));
        string Value(string label) => output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();
        _cached = new Credentials(Value("Key:"), Value("KeyHash:"));
        return _cached;
    }

    /// <summary>Server environment that accepts this key as an Operator.</summary>
    public Dictionary<string, string> ServerEnvironment() => new()
    {
        ["KestrelTcp__Security__ApiKeys__bench__KeyHash"] = KeyHash,
        ["KestrelTcp__Security__ApiKeys__bench__Role"] = "Operator",
    };
}
