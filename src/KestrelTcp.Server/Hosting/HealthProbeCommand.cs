namespace KestrelTcp.Server.Hosting;

/// <summary>
/// <c>KestrelTcp.Server healthcheck [URL]</c>: asks a running server's <c>/healthz</c> and exits 0 when it
/// answers 200, else 1. The container's HEALTHCHECK uses it, so the runtime image needs no curl.
/// The URL defaults to <c>HEALTHCHECK_URL</c> or <c>http://127.0.0.1:8080/healthz</c>.
/// </summary>
internal static class HealthProbeCommand
{
    public const string Name = "healthcheck";

    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != Name)
        {
            return false;
        }

        var url = args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("HEALTHCHECK_URL") ?? "http://127.0.0.1:8080/healthz";
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            using var response = http.GetAsync(new Uri(url)).GetAwaiter().GetResult();
            exitCode = response.IsSuccessStatusCode ? 0 : 1;
            Console.Out.WriteLine($"{url}: {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            Console.Error.WriteLine($"{url}: {ex.Message}");
            exitCode = 1;
        }

        return true;
    }
}
