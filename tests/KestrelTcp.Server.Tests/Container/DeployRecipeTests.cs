using System.Diagnostics;
using System.Text.RegularExpressions;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Tests.Helpers;

namespace KestrelTcp.Server.Tests.Container;

/// <summary>
/// Issue 12, point 8, checked without a container engine: the compose file runs Redis, three nodes with
/// names of their own and HAProxy in TCP mode (least connections, a long tunnel timeout, /readyz health
/// checks, PROXY v2), and its haproxy.cfg is valid to the real haproxy; the Kubernetes manifest has the
/// probes, a grace period longer than the drain, and a Service for HTTP and one for TCP.
/// </summary>
public sealed partial class DeployRecipeTests
{
    private static string Read(string name) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", name));

    [Fact]
    public void TheComposeFileRunsRedisThreeUniquelyNamedNodesAndHaproxy()
    {
        var compose = Read("compose.yaml");

        Assert.Matches(@"(?m)^  redis:\s*$", compose);
        Assert.Matches(@"(?m)^  haproxy:\s*$", compose);
        var names = NodeNames().Matches(compose).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["node-a", "node-b", "node-c"], names);
        Assert.Contains("KestrelTcp__Cluster__Redis: \"redis:6379", compose);
        Assert.Contains("KestrelTcp__Listeners__default__ProxyProtocol: \"true\"", compose);
        // The grace period outlasts the server's own drain on SIGTERM.
        var grace = TimeSpan.FromSeconds(int.Parse(Grace().Match(compose).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(grace > new KestrelTcpOptions().DrainTimeout, $"stop_grace_period {grace}");
    }

    [Fact]
    public void HaproxyBalancesInTcpModeWithProxyV2AndReadinessChecks()
    {
        var config = Read("haproxy.cfg");

        Assert.Matches(@"(?m)^\s*mode tcp\s*$", config);
        Assert.Matches(@"(?m)^\s*balance leastconn\s*$", config);
        Assert.Matches(@"(?m)^\s*timeout tunnel 1h\s*$", config);
        Assert.Matches(@"(?m)^\s*option httpchk GET /readyz\s*$", config);
        Assert.Matches(@"(?m)^\s*default-server send-proxy-v2 check port 8080", config);
        Assert.Equal(3, Regex.Matches(config, @"(?m)^\s*server node-[abc] node-[abc]:9000\s*$").Count);
        // A node marked down must keep its sessions: its own drain closes them at a bounded rate.
        Assert.DoesNotContain("shutdown-sessions", config);
    }

    [Fact]
    public async Task TheRealHaproxyAcceptsTheComposeConfiguration()
    {
        var info = new ProcessStartInfo("haproxy") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "-f", Path.Combine(RepositoryPaths.Root, "deploy", "haproxy.cfg") })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(process.ExitCode == 0, $"haproxy -c: {await output}{await errors}");
    }

    [Fact]
    public void TheKubernetesManifestHasProbesAGraceLongerThanTheDrainAndTwoServices()
    {
        var manifest = Read("kubernetes.yaml");

        Assert.Contains("replicas: 3", manifest);
        Assert.Matches(@"readinessProbe:\s*\n\s*httpGet: \{ path: /readyz, port: http \}", manifest);
        Assert.Matches(@"livenessProbe:\s*\n\s*httpGet: \{ path: /healthz, port: http \}", manifest);
        var grace = TimeSpan.FromSeconds(int.Parse(K8sGrace().Match(manifest).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(grace > new KestrelTcpOptions().DrainTimeout, $"terminationGracePeriodSeconds {grace}");
        Assert.Contains("fieldPath: metadata.name", manifest);
        Assert.Contains("name: kestreltcp-http", manifest);
        Assert.Contains("name: kestreltcp-tcp", manifest);
        Assert.Contains("runAsNonRoot: true", manifest);
    }

    [GeneratedRegex(@"KestrelTcp__Cluster__NodeName: (\S+)")]
    private static partial Regex NodeNames();

    [GeneratedRegex(@"stop_grace_period: (\d+)s")]
    private static partial Regex Grace();

    [GeneratedRegex(@"terminationGracePeriodSeconds: (\d+)")]
    private static partial Regex K8sGrace();
}
