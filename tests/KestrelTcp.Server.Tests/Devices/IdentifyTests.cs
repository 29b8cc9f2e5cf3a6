using System.Net;
using System.Net.Http.Json;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Devices;

public sealed class IdentifyTests
{
    private const string Identify = "KestrelTcp:Listeners:default:Identify";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task APatternFindsTheDeviceIdInTheFirstFrameEvenWhenItArrivesInPieces()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { [$"{Identify}:Pattern"] = @"^REG,(?<id>\d{15})" });
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);

        await client.SendAsync("RE");
        await Task.Delay(50);
        await client.SendAsync("G,86123456789012");
        await Task.Delay(50);
        await client.SendAsync("3,v1.2\n");

        var session = Session(server, id);
        await Eventually.WaitAsync(() => session.DeviceId is not null, Wait, "the session to identify");
        Assert.Equal("861234567890123", session.DeviceId);
        using var http = server.CreateHttpClient();
        var info = await http.GetFromJsonAsync<SessionInfo>($"/api/sessions/{id}", Json.Options).Within();
        Assert.Equal("861234567890123", info!.DeviceId);
        var found = await http.GetFromJsonAsync<KestrelTcp.Server.Api.SessionPage>("/api/sessions?q=8612345678", Json.Options).Within();
        Assert.Equal([id], found!.Items.Select(s => s.Id));
    }

    [Fact]
    public async Task BytesAtAnOffsetBecomeAHexDeviceIdAcrossSegments()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:default:Framing:Kind"] = "LengthPrefixed",
            [$"{Identify}:Offset"] = "2",
            [$"{Identify}:Length"] = "8",
        });
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);

        // A GT06-like login: 0x7878 then the IMEI in BCD. Sent a byte at a time, so the frame spans segments.
        byte[] payload = [0x78, 0x78, 0x03, 0x51, 0x60, 0x80, 0x80, 0x77, 0x92, 0x88, 0x00, 0x01];
        var frame = new byte[4 + payload.Length];
        frame[3] = (byte)payload.Length;
        payload.CopyTo(frame, 4);
        foreach (var b in frame)
        {
            await client.SendAsync([b]);
        }

        var session = Session(server, id);
        await Eventually.WaitAsync(() => session.DeviceId is not null, Wait, "the session to identify");
        Assert.Equal("0351608080779288", session.DeviceId);
    }

    [Fact]
    public async Task AnAsciiFieldLosesItsPaddingAndAFieldWithOtherBytesDoesNotIdentify()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            [$"{Identify}:Offset"] = "4",
            [$"{Identify}:Length"] = "10",
            [$"{Identify}:Format"] = "Ascii",
            [$"{Identify}:Frames"] = "2",
        });
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);
        var session = Session(server, id);

        await client.SendLineAsync("HDR:\u0001BADBADBAD");
        await client.SendLineAsync("HDR:DTU-7     ");

        await Eventually.WaitAsync(() => session.DeviceId is not null, Wait, "the second frame to identify the session");
        Assert.Equal("DTU-7", session.DeviceId);
    }

    [Fact]
    public async Task OnlyTheFirstFramesAreLookedAt()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { [$"{Identify}:Pattern"] = "^ID=(?<id>\\w+)$" });
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);
        var session = Session(server, id);

        await client.SendLineAsync("hello");
        await client.SendLineAsync("ID=late");
        await Eventually.WaitAsync(() => session.FramesIn == 2, Wait, "both frames to arrive");

        Assert.Null(session.DeviceId);
        Assert.False(session.IsClosed);
    }

    [Fact]
    public async Task ARequiredIdentificationClosesASessionWhoseFirstFramesDoNotSay()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            [$"{Identify}:Pattern"] = "^ID=(?<id>\\w+)$",
            [$"{Identify}:Required"] = "true",
            [$"{Identify}:Frames"] = "2",
        });
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);

        await client.SendLineAsync("hello");
        await client.SendLineAsync("still not saying");

        Assert.True(await client.WaitForCloseAsync());
        var closed = await ClosedAsync(server, id);
        Assert.Equal(CloseReason.Unidentified, closed.CloseReason);
        Assert.Contains("first 2 frame", closed.CloseDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequiredIdentificationClosesASilentSessionAfterItsTimeout()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            [$"{Identify}:Pattern"] = "^ID=(?<id>\\w+)$",
            [$"{Identify}:Required"] = "true",
            [$"{Identify}:Timeout"] = "00:00:00.300",
        });
        await using var identified = await server.ConnectAsync();
        await using var silent = await server.ConnectAsync();
        await identified.SendLineAsync("ID=7");
        var silentId = await server.SessionIdOfAsync(silent);

        Assert.True(await silent.WaitForCloseAsync());
        Assert.Equal(CloseReason.Unidentified, (await ClosedAsync(server, silentId)).CloseReason);
        Assert.True(await identified.ReceivesNothingAsync(TimeSpan.FromMilliseconds(500)), "the identified session stays open");
    }

    [Fact]
    public async Task ADeviceThatConnectsAgainReplacesItsOldSession()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { [$"{Identify}:Pattern"] = "^ID=(?<id>\\w+)$" });
        await using var first = await server.ConnectAsync();
        await first.SendLineAsync("ID=42");
        var firstId = await server.SessionIdOfAsync(first);
        await Eventually.WaitAsync(() => Session(server, firstId).DeviceId == "42", Wait);

        await using var second = await server.ConnectAsync();
        var secondId = await server.SessionIdOfAsync(second);
        await second.SendLineAsync("ID=42");

        Assert.True(await first.WaitForCloseAsync());
        var replaced = await ClosedAsync(server, firstId);
        Assert.Equal(CloseReason.Replaced, replaced.CloseReason);
        Assert.Contains(secondId, replaced.CloseDetail, StringComparison.Ordinal);
        var registry = server.GetRequiredService<SessionRegistry>();
        Assert.True(registry.Devices.TryGet("42", out var holder));
        Assert.Equal(secondId, holder.Id);
        Assert.Equal(1, registry.CloseCounts()[CloseReason.Replaced]);
    }

    [Fact]
    public async Task WithRejectNewTheNewcomerIsClosedAsDuplicateAndTheOldSessionKeepsTheDevice()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            [$"{Identify}:Pattern"] = "^ID=(?<id>\\w+)$",
            [$"{Identify}:OnDuplicate"] = "RejectNew",
        });
        await using var first = await server.ConnectAsync();
        await first.SendLineAsync("ID=42");
        var firstId = await server.SessionIdOfAsync(first);
        await Eventually.WaitAsync(() => Session(server, firstId).DeviceId == "42", Wait);

        await using var second = await server.ConnectAsync();
        var secondId = await server.SessionIdOfAsync(second);
        await second.SendLineAsync("ID=42");

        Assert.True(await second.WaitForCloseAsync());
        Assert.Equal(CloseReason.Duplicate, (await ClosedAsync(server, secondId)).CloseReason);
        Assert.False(Session(server, firstId).IsClosed);
        Assert.True(server.GetRequiredService<SessionRegistry>().Devices.TryGet("42", out var holder));
        Assert.Equal(firstId, holder.Id);
    }

    [Fact]
    public async Task ARunawayPatternIsCutOffAtItsTimeoutAndTheSessionCarriesOn()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:default:Mode"] = "Echo",
            [$"{Identify}:Pattern"] = "^(?<id>(a+)+)b$",
            [$"{Identify}:MatchTimeout"] = "00:00:00.010",
            [$"{Identify}:MaxBytes"] = "4096",
        });
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);

        var evil = new string('a', 3000) + "c";
        await client.SendLineAsync(evil);

        Assert.Equal(evil, await client.ReceiveLineAsync());
        Assert.Null(Session(server, id).DeviceId);
        Assert.Equal(1, server.GetRequiredService<ListenerCatalog>().Find("default")!.Identifier!.MatchTimeouts);
    }

    [Fact]
    public async Task AnIdLongerThanTheLimitOrWithControlCharactersDoesNotIdentify()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            [$"{Identify}:Pattern"] = "^ID=(?<id>.+)$",
            [$"{Identify}:Frames"] = "3",
            [$"{Identify}:MaxBytes"] = "4096",
        });
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);

        await client.SendLineAsync("ID=" + new string('x', 129));
        await client.SendLineAsync("ID=bell\u0007");
        await client.SendLineAsync("ID=" + new string('y', 128));

        var session = Session(server, id);
        await Eventually.WaitAsync(() => session.DeviceId is not null, Wait);
        Assert.Equal(new string('y', 128), session.DeviceId);
    }

    [Theory]
    [InlineData("Pattern", "^REG,(\\d+", null, null)]
    [InlineData("Pattern", "^REG,(\\d+)$", null, null)]
    [InlineData("Length", "65", "Offset", "0")]
    [InlineData("Offset", "-1", "Length", "4")]
    [InlineData("Frames", "17", "Pattern", "(?<id>.+)")]
    [InlineData("MatchTimeout", "00:01:00", "Pattern", "(?<id>.+)")]
    [InlineData("MaxBytes", "8", "Pattern", "(?<id>.+)")]
    public async Task ABadIdentifySettingStopsTheServerNamingIt(string key, string value, string? otherKey, string? otherValue)
    {
        var settings = new Dictionary<string, string?> { [$"{Identify}:{key}"] = value };
        if (otherKey is not null)
        {
            settings[$"{Identify}:{otherKey}"] = otherValue;
        }

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestServer.StartAsync(settings)).Within();

        Assert.Contains($"{Identify}:{key}", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BothPatternAndOffsetIsABadSettingToo()
    {
        var settings = new Dictionary<string, string?> { [$"{Identify}:Pattern"] = "(?<id>.+)", [$"{Identify}:Offset"] = "0", [$"{Identify}:Length"] = "4" };

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestServer.StartAsync(settings)).Within();

        Assert.Contains($"KestrelTcp:Listeners:default:Identify needs either Pattern or Offset and Length", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOperatorNamesASessionByHandAndItIsAudited()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);
        var otherId = await server.SessionIdOfAsync(other);
        using var http = server.CreateHttpClient();
        using var viewer = server.CreateHttpClient(TestRole.Viewer);

        using var named = await http.PutAsJsonAsync($"/api/sessions/{id}/device", new { deviceId = "tracker 42" }).Within();
        using var empty = await http.PutAsJsonAsync($"/api/sessions/{id}/device", new { deviceId = " " }).Within();
        using var taken = await http.PutAsJsonAsync($"/api/sessions/{otherId}/device", new { deviceId = "tracker 42" }).Within();
        using var missing = await http.PutAsJsonAsync("/api/sessions/nope/device", new { deviceId = "x" }).Within();
        using var denied = await viewer.PutAsJsonAsync($"/api/sessions/{otherId}/device", new { deviceId = "y" }).Within();

        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal("tracker 42", (await named.ReadAsync<SessionInfo>()).DeviceId);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("deviceId", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains(id, await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Null(Session(server, otherId).DeviceId);
        var records = await SecurityHttp.ReadAuditAsync(server, AuditAction.NameDevice);
        Assert.Equal([AuditResult.Denied, AuditResult.NotFound, AuditResult.Invalid, AuditResult.Invalid, AuditResult.Allowed], records.Select(r => r.Result));
        Assert.Contains("tracker 42", records[^1].Detail, StringComparison.Ordinal);
    }

    private static Session Session(TestServer server, string id) =>
        server.GetRequiredService<SessionRegistry>().TryGet(id, out var session) ? session : throw new InvalidOperationException($"No live session {id}.");

    private static async Task<SessionInfo> ClosedAsync(TestServer server, string id)
    {
        var registry = server.GetRequiredService<SessionRegistry>();
        SessionInfo? closed = null;
        await Eventually.WaitAsync(() => (closed = registry.RecentlyClosed().FirstOrDefault(s => s.Id == id)) is not null, Wait, $"session {id} to be recorded as closed");
        return closed!;
    }
}
