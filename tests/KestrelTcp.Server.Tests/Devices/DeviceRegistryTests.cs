using System.Net;
using System.Net.Http.Json;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Devices;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Devices;

public sealed class DeviceRegistryTests
{
    [Fact]
    public async Task ADeviceThatComesBackIsOneRowAndIsStillThereAfterARestart()
    {
        var data = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        // The second server deletes the data folder when it is disposed.
        await using (var server = await DeviceServer.StartAsync(dataPath: data, keepDataPath: true))
        {
            await using (var first = await server.ConnectAsync())
            {
                await first.SendLineAsync("ID=42");
                await DeviceServer.WaitForAsync(server, "42", d => d.Online);
            }

            await DeviceServer.WaitForAsync(server, "42", d => !d.Online);
            await using var second = await server.ConnectAsync();
            var secondId = await server.SessionIdOfAsync(second);
            await second.SendLineAsync("ID=42");
            var device = await DeviceServer.WaitForAsync(server, "42", d => d.Online && d.SessionId == secondId);

            Assert.Equal(2, device.SessionCount);
            Assert.Equal("default", device.Listener);
            Assert.Equal(second.LocalEndPoint, device.LastRemoteEndPoint);
            using var http = server.CreateHttpClient(TestRole.Viewer);
            var page = await http.GetFromJsonAsync<DevicePage>("/api/devices", Json.Options).Within();
            Assert.Equal(1, page!.Total);
            Assert.Equal("42", Assert.Single(page.Items).Id);
        }

        await using var restarted = await DeviceServer.StartAsync(dataPath: data);
        using var api = restarted.CreateHttpClient(TestRole.Viewer);
        var after = await api.GetFromJsonAsync<DeviceInfo>("/api/devices/42", Json.Options).Within();
        Assert.False(after!.Online);
        Assert.Null(after.SessionId);
        Assert.Equal(2, after.SessionCount);
        var offline = await api.GetFromJsonAsync<DevicePage>("/api/devices?online=false", Json.Options).Within();
        Assert.Equal(1, offline!.Total);

        await using var third = await restarted.ConnectAsync();
        await third.SendLineAsync("ID=42");
        Assert.Equal(3, (await DeviceServer.WaitForAsync(restarted, "42", d => d.Online)).SessionCount);
    }

    [Fact]
    public async Task ADeviceThatTakesOverItsOldSessionStaysOnlineWithTheNewSession()
    {
        await using var server = await DeviceServer.StartAsync();
        await using var first = await server.ConnectAsync();
        await first.SendLineAsync("ID=42");
        await DeviceServer.WaitForAsync(server, "42", d => d.Online);
        await using var second = await server.ConnectAsync();
        var secondId = await server.SessionIdOfAsync(second);

        await second.SendLineAsync("ID=42");
        Assert.True(await first.WaitForCloseAsync());
        await server.WaitForSessionCountAsync(1);

        var device = await DeviceServer.WaitForAsync(server, "42", d => d.SessionId == secondId);
        Assert.True(device.Online);
        Assert.Equal(2, device.SessionCount);
    }

    [Fact]
    public async Task ADeviceNamedByAnOperatorIsRegisteredAndTheOldNameGoesOffline()
    {
        await using var server = await DeviceServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("ID=a");
        var sessionId = (await DeviceServer.WaitForAsync(server, "a", d => d.Online)).SessionId;
        using var http = server.CreateHttpClient();

        using var named = await http.PutAsJsonAsync($"/api/sessions/{sessionId}/device", new { deviceId = "b" }).Within();

        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal(sessionId, (await DeviceServer.WaitForAsync(server, "b", d => d.Online)).SessionId);
        Assert.False((await DeviceServer.WaitForAsync(server, "a", d => !d.Online)).Online);
    }

    [Fact]
    public async Task PastMaxDevicesNewDevicesAreNotRegisteredButCountedAndKnownOnesStillAre()
    {
        await using var server = await DeviceServer.StartAsync(new() { ["KestrelTcp:Devices:MaxDevices"] = "2" });
        var registry = server.GetRequiredService<DeviceRegistry>();
        var clients = new List<TestTcpClient>();
        try
        {
            foreach (var id in new[] { "d1", "d2", "d3" })
            {
                var client = await server.ConnectAsync();
                clients.Add(client);
                await client.SendLineAsync($"ID={id}");
                await Eventually.WaitAsync(() => registry.Store.Get(id) is not null || registry.Refused > 0, DeviceServer.Wait, $"{id} to be handled");
            }

            Assert.Null(registry.Store.Get("d3"));
            Assert.Equal(1, registry.Refused);
            using var http = server.CreateHttpClient(TestRole.Viewer);
            var page = await http.GetFromJsonAsync<DevicePage>("/api/devices", Json.Options).Within();
            Assert.Equal(2, page!.Total);
            Assert.Equal(1, page.Registry.Refused);
            Assert.Equal(2, page.Registry.MaxDevices);

            // A known device still comes and goes; the refused one still works as a session.
            await clients[0].DisposeAsync();
            await DeviceServer.WaitForAsync(server, "d1", d => !d.Online);
            Assert.True(server.GetRequiredService<KestrelTcp.Server.Sessions.SessionRegistry>().Devices.TryGet("d3", out _));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("MaxDevices", "0")]
    [InlineData("MaxQueuedEvents", "10")]
    [InlineData("Pending:MaxPerDevice", "0")]
    [InlineData("Pending:MaxBytesPerDevice", "0")]
    [InlineData("Pending:MaxTotalBytes", "10")]
    [InlineData("Pending:Expiry", "00:00:00.100")]
    [InlineData("Path", "/proc/kestreltcp/devices.db")]
    public async Task ABadDevicesSettingStopsTheServerNamingIt(string key, string value)
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => DeviceServer.StartAsync(new() { [$"KestrelTcp:Devices:{key}"] = value })).Within();

        Assert.Contains($"KestrelTcp:Devices:{key}", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatchSetsAliasTagsAndNotesRefusesBadFieldsByNameAndIsAudited()
    {
        await using var server = await DeviceServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("ID=42");
        await DeviceServer.WaitForAsync(server, "42", d => d.Online);
        using var http = server.CreateHttpClient();
        using var viewer = server.CreateHttpClient(TestRole.Viewer);

        using var longAlias = await http.PatchAsJsonAsync("/api/devices/42", new { alias = new string('a', 129) }).Within();
        using var badTag = await http.PatchAsJsonAsync("/api/devices/42", new { tags = new[] { "ok", "not ok" } }).Within();
        using var emptyTag = await http.PatchAsJsonAsync("/api/devices/42", new { tags = new[] { "" } }).Within();
        using var manyTags = await http.PatchAsJsonAsync("/api/devices/42", new { tags = Enumerable.Range(0, 33).Select(i => $"t{i}").ToArray() }).Within();
        using var longNotes = await http.PatchAsJsonAsync("/api/devices/42", new { notes = new string('n', 4097) }).Within();
        using var nothing = await http.PatchAsJsonAsync("/api/devices/42", new { }).Within();
        using var missing = await http.PatchAsJsonAsync("/api/devices/nope", new { alias = "x" }).Within();
        using var denied = await viewer.PatchAsJsonAsync("/api/devices/42", new { alias = "x" }).Within();
        using var ok = await http.PatchAsJsonAsync("/api/devices/42", new { alias = "Tracker 42", tags = new[] { "fleet:north", "v1.2", "fleet:north" }, notes = "roof" }).Within();

        Assert.Equal(HttpStatusCode.BadRequest, longAlias.StatusCode);
        Assert.Contains("alias", await longAlias.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var tags in new[] { badTag, emptyTag, manyTags })
        {
            Assert.Equal(HttpStatusCode.BadRequest, tags.StatusCode);
            Assert.Contains("tags", await tags.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.BadRequest, longNotes.StatusCode);
        Assert.Contains("notes", await longNotes.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var device = await ok.ReadAsync<DeviceInfo>();
        Assert.Equal("Tracker 42", device.Alias);
        Assert.Equal(["fleet:north", "v1.2"], device.Tags);
        Assert.Equal("roof", device.Notes);

        var byTag = await viewer.GetFromJsonAsync<DevicePage>("/api/devices?tag=fleet:north", Json.Options).Within();
        var byOtherTag = await viewer.GetFromJsonAsync<DevicePage>("/api/devices?tag=fleet", Json.Options).Within();
        var byText = await viewer.GetFromJsonAsync<DevicePage>("/api/devices?q=tracker", Json.Options).Within();
        using var badSort = await viewer.GetAsync("/api/devices?sort=bogus").Within();
        using var bigPage = await viewer.GetAsync("/api/devices?pageSize=1001").Within();
        Assert.Equal("42", Assert.Single(byTag!.Items).Id);
        Assert.Empty(byOtherTag!.Items);
        Assert.Equal("42", Assert.Single(byText!.Items).Id);
        Assert.Equal(HttpStatusCode.BadRequest, badSort.StatusCode);
        Assert.Contains("sort", await badSort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bigPage.StatusCode);

        var records = await SecurityHttp.ReadAuditAsync(server, AuditAction.UpdateDevice);
        Assert.Equal(AuditResult.Allowed, records[0].Result);
        Assert.Contains("Tracker 42", records[0].Detail, StringComparison.Ordinal);
        Assert.Equal(AuditResult.Denied, records[1].Result);
        Assert.Equal(AuditResult.NotFound, records[2].Result);
        Assert.Equal(6, records.Count(r => r.Result == AuditResult.Invalid));
    }

    [Fact]
    public async Task AForgottenDeviceIsGoneUntilItNextIdentifies()
    {
        await using var server = await DeviceServer.StartAsync();
        await using (var client = await server.ConnectAsync())
        {
            await client.SendLineAsync("ID=42");
            await DeviceServer.WaitForAsync(server, "42", d => d.Online);
        }

        await DeviceServer.WaitForAsync(server, "42", d => !d.Online);
        using var http = server.CreateHttpClient();

        using var forgot = await http.DeleteAsync("/api/devices/42").Within();
        using var again = await http.DeleteAsync("/api/devices/42").Within();
        using var gone = await http.GetAsync("/api/devices/42").Within();

        Assert.Equal(HttpStatusCode.NoContent, forgot.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(0, server.GetRequiredService<DeviceRegistry>().DeviceCount);
        var records = await SecurityHttp.ReadAuditAsync(server, AuditAction.ForgetDevice);
        Assert.Equal([AuditResult.NotFound, AuditResult.Allowed], records.Select(r => r.Result));

        await using var back = await server.ConnectAsync();
        await back.SendLineAsync("ID=42");
        Assert.Equal(1, (await DeviceServer.WaitForAsync(server, "42", d => d.Online)).SessionCount);
    }

    [Fact]
    public async Task TheExportStreamsEveryDeviceAsJsonAndAsCsvWithFormulasDefused()
    {
        await using var server = await DeviceServer.StartAsync();
        foreach (var id in new[] { "=HYPERLINK(\"x\")", "plain", "with,comma" })
        {
            await using var client = await server.ConnectAsync();
            await client.SendLineAsync($"ID={id}");
            await DeviceServer.WaitForAsync(server, id, d => d.Online);
        }

        using var http = server.CreateHttpClient(TestRole.Viewer);
        using var operatorHttp = server.CreateHttpClient();
        using var patched = await operatorHttp.PatchAsJsonAsync("/api/devices/plain", new { alias = "@SUM(A1)", tags = new[] { "a", "b" } }).Within();
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var csv = await http.GetStringAsync("/api/devices/export?format=csv").Within();
        var json = await http.GetFromJsonAsync<DeviceInfo[]>("/api/devices/export?format=json", Json.Options).Within();
        using var bad = await http.GetAsync("/api/devices/export?format=xml").Within();

        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,listener,alias,tags", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", csv, StringComparison.Ordinal);
        Assert.Contains("plain,default,'@SUM(A1),a b,", csv, StringComparison.Ordinal);
        Assert.Contains("\"with,comma\"", csv, StringComparison.Ordinal);
        Assert.Equal(3, json!.Length);
        Assert.Equal(["a", "b"], json.Single(d => d.Id == "plain").Tags);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("format", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExportOfTwentyThousandDevicesStreamsEveryRowInIdOrder()
    {
        const int Devices = 20_000;
        var data = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        await using (await DeviceServer.StartAsync(dataPath: data, keepDataPath: true))
        {
            // The first start creates devices.db; the rows are then written straight into it.
        }

        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "devices.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var transaction = connection.BeginTransaction();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO devices (id, listener, tags, first_seen, last_seen, session_count) VALUES ($id, 'default', ',bulk,', 0, 0, 1);";
            var id = insert.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
            for (var i = 0; i < Devices; i++)
            {
                id.Value = $"dev-{i:D6}";
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        await using var server = await DeviceServer.StartAsync(dataPath: data);
        using var http = server.CreateHttpClient(TestRole.Viewer);
        using var response = await http.GetAsync("/api/devices/export?format=csv", HttpCompletionOption.ResponseHeadersRead).Within();
        Assert.Null(response.Content.Headers.ContentLength);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.StartsWith("id,", await reader.ReadLineAsync());
        var rows = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            Assert.StartsWith($"dev-{rows:D6},default,,bulk,", line, StringComparison.Ordinal);
            rows++;
        }

        Assert.Equal(Devices, rows);
        Assert.Equal(Devices, server.GetRequiredService<DeviceRegistry>().DeviceCount);
    }
}
