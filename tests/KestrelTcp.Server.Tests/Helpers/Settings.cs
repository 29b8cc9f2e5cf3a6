namespace KestrelTcp.Server.Tests.Helpers;

/// <summary>Builds configuration overrides for <c>TestServer.StartAsync</c>.</summary>
internal static class Settings
{
    public static Dictionary<string, string?> Listener(string name, string mode = "Monitor", string framing = "Line", params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"KestrelTcp:Listeners:{name}:Address"] = "127.0.0.1",
            [$"KestrelTcp:Listeners:{name}:Port"] = "0",
            [$"KestrelTcp:Listeners:{name}:Mode"] = mode,
            [$"KestrelTcp:Listeners:{name}:Framing:Kind"] = framing,
        };
        foreach (var (key, value) in extra)
        {
            settings[$"KestrelTcp:Listeners:{name}:{key}"] = value;
        }

        return settings;
    }

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, Dictionary<string, string?> more)
    {
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, string key, string value)
    {
        settings[key] = value;
        return settings;
    }
}
