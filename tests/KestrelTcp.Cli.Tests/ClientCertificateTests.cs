using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using KestrelTcp.Cli.Tests.Helpers;
using KestrelTcp.Client.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Cli.Tests;

/// <summary><c>--cert</c>, <c>--key</c> and <c>--cert-password</c> against the server's TLS listener that requires client certificates.</summary>
public sealed class ClientCertificateTests : IAsyncLifetime
{
    private const string PfxPassword = "s3cret";

    private readonly X509Certificate2 _server = TestCertificates.CreateServerCertificate();
    private readonly X509Certificate2 _device = TestCertificates.CreateClientCertificate("device-7");
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ktcp-client-cert-");
    private TestServer? _testServer;

    private string Target => $"127.0.0.1:{_testServer!.TcpEndPoint("secure").Port}";

    private string DevicePem => Path.Combine(_folder.FullName, "device.crt");

    private string DeviceKey => Path.Combine(_folder.FullName, "device.key");

    private string DevicePfx => Path.Combine(_folder.FullName, "device.pfx");

    public async Task InitializeAsync()
    {
        var certificate = Path.Combine(_folder.FullName, "server.crt");
        var key = Path.Combine(_folder.FullName, "server.key");
        await File.WriteAllTextAsync(certificate, _server.ExportCertificatePem());
        await File.WriteAllTextAsync(key, _server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(DevicePem, _device.ExportCertificatePem());
        await File.WriteAllTextAsync(DeviceKey, _device.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await File.WriteAllBytesAsync(DevicePfx, _device.Export(X509ContentType.Pfx, PfxPassword));
        var settings = new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:secure:Address"] = "127.0.0.1",
            ["KestrelTcp:Listeners:secure:Port"] = "0",
            ["KestrelTcp:Listeners:secure:Mode"] = "Echo",
            ["KestrelTcp:Listeners:secure:Framing:Kind"] = "Line",
            ["KestrelTcp:Listeners:secure:Tls:CertificatePath"] = certificate,
            ["KestrelTcp:Listeners:secure:Tls:KeyPath"] = key,
            ["KestrelTcp:Listeners:secure:Tls:ClientCertificateMode"] = "Require",
            ["KestrelTcp:Listeners:secure:Tls:ClientCertificateAuthorityPath"] = DevicePem,
        };
        _testServer = await TestServer.StartAsync(settings, includeDefaultListener: false).WaitAsync(Wait.Timeout);
    }

    public async Task DisposeAsync()
    {
        if (_testServer is not null)
        {
            await _testServer.DisposeAsync();
        }

        _server.Dispose();
        _device.Dispose();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task SendWithAPemCertificateAndKeyIsAcceptedWhereSendWithoutOneIsNot()
    {
        var with = await Ktcp.RunAsync("send", Target, "ping", "--tls", "--insecure", "--cert", DevicePem, "--key", DeviceKey, "--expect", "ping");
        var without = await Ktcp.RunAsync("send", Target, "ping", "--tls", "--insecure", "--expect", "ping", "--timeout", "3000");

        Assert.True(with.ExitCode == 0, with.ToString());
        Assert.Equal("ping" + Environment.NewLine, with.Out);
        Assert.NotEqual(0, without.ExitCode);
        Assert.DoesNotContain("ping", without.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchOverTlsPresentsAPasswordProtectedPfxCertificate()
    {
        var result = await Ktcp.RunAsync("bench", Target, "--framing", "line", "--tls", "--insecure", "--cert", DevicePfx, "--cert-password", PfxPassword, "--connections", "2", "--depth", "4", "--duration", "0.5", "--warmup", "0", "--json", "--no-progress");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonDocument.Parse(result.Out);
        Assert.True(report.RootElement.GetProperty("frames").GetInt64() > 0, result.Out);
        Assert.Equal(0, report.RootElement.GetProperty("disconnects").GetInt32());
    }

    [Fact]
    public async Task ACertificateAndKeyInOnePemFileWork()
    {
        var combined = Path.Combine(_folder.FullName, "device-with-key.pem");
        await File.WriteAllTextAsync(combined, await File.ReadAllTextAsync(DevicePem) + "\n" + await File.ReadAllTextAsync(DeviceKey));

        var result = await Ktcp.RunAsync("send", Target, "ping", "--tls", "--insecure", "--cert", combined, "--expect", "ping");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("--cert {pem}", "--cert only applies with --tls")]
    [InlineData("--tls --key {key}", "--key only applies with --cert")]
    [InlineData("--tls --cert-password x", "--cert-password only applies with --cert")]
    [InlineData("--tls --cert {missing}", "--cert: cannot read")]
    [InlineData("--tls --cert {pem}", "--key")]
    [InlineData("--tls --cert {pfx} --cert-password wrong", "--cert-password")]
    [InlineData("--tls --cert {pfx} --key {key}", "--key applies to a PEM certificate")]
    public async Task CertificateOptionMistakesAreUsageErrorsThatSayWhatToFix(string options, string expected)
    {
        var args = options
            .Replace("{pem}", DevicePem, StringComparison.Ordinal)
            .Replace("{key}", DeviceKey, StringComparison.Ordinal)
            .Replace("{pfx}", DevicePfx, StringComparison.Ordinal)
            .Replace("{missing}", Path.Combine(_folder.FullName, "missing.pem"), StringComparison.Ordinal)
            .Split(' ');

        var result = await Ktcp.RunAsync(["send", Target, "ping", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
