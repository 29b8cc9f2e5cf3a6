using System.Net;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>Issue #11 item 9: the audit log names users, addresses and actions; it must be 0600 like the keys, not 0644.</summary>
public sealed class AuditFileModeTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task ANewAuditLogAndItsSideFilesAreReadableByTheOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var server = await TestServer.StartAsync();
        var path = server.App.Services.GetRequiredService<AuditLog>().Path;
        using var browser = SecurityHttp.CreateBrowser(server);
        using var login = await browser.LoginAsync(server.ViewerUserName, server.ViewerPassword);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.True(File.Exists(path + "-wal"), "the audit log runs in WAL mode, so a write leaves a -wal file");
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path + "-wal"));
        if (File.Exists(path + "-shm"))
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(path + "-shm"));
        }
    }

    [Fact]
    public async Task AWorldReadableAuditLogFromAnOlderVersionIsTightenedAtStart()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var dataPath = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataPath);
        var path = Path.Combine(dataPath, "audit.db");
        await File.WriteAllBytesAsync(path, []);
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var server = await TestServer.StartAsync(dataPath: dataPath);

        Assert.Equal(path, server.App.Services.GetRequiredService<AuditLog>().Path);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }
}
