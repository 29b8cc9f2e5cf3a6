using System.Security.Cryptography;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Sessions;

public sealed class LargeFrameTests
{
    [Fact]
    public async Task EchoesAFrameLargerThanTheTransportsDefaultReadBuffer()
    {
        // 24 MiB is far over the socket transport's 1 MiB default read limit: the whole frame must still arrive.
        const int Size = 24 * 1024 * 1024;
        var settings = Settings.Listener("big", "Echo", "LengthPrefixed", ("Framing:MaxFrameBytes", (32 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var codec = server.GetRequiredService<KestrelTcp.Server.Sessions.ListenerCatalog>().Find("big")!.Codec;
        await using var client = await server.ConnectAsync("big");
        var payload = RandomNumberGenerator.GetBytes(Size);

        await client.SendFrameAsync(codec, payload);
        var echoed = await client.ReceiveFrameAsync(codec, TimeSpan.FromSeconds(30));

        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
    }
}
