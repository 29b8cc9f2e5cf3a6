using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KestrelTcp.Server.Tests.Automation;

/// <summary>A real HTTP webhook receiver on 127.0.0.1 port 0 (a minimal Kestrel app): it records every POST,
/// answers <see cref="Status"/> (or the next of <see cref="Statuses"/>), and can hold requests until <see cref="Release"/>.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int Status { get; set; } = StatusCodes.Status200OK;

    public Queue<int> Statuses { get; } = new();

    /// <summary>When true, each request waits for <see cref="Release"/> before it is answered.</summary>
    public bool Hold { get; set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", (Delegate)receiver.HandleAsync);
        await app.StartAsync().WaitAsync(Wait);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/hook");
        return receiver;
    }

    public void Release() => _release.TrySetResult();

    public async Task<ReceivedWebhook> NextAsync() => await _received.Reader.ReadAsync().AsTask().WaitAsync(Wait);

    public int Count => _received.Reader.Count;

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync().WaitAsync(Wait);
        await _app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = http.Request.Headers;
        _received.Writer.TryWrite(new ReceivedWebhook(body, headers["X-KestrelTcp-Signature"].ToString(), headers["X-KestrelTcp-Event-Id"].ToString(), headers["X-KestrelTcp-Timestamp"].ToString(), JsonDocument.Parse(body).RootElement.Clone()));
        if (Hold)
        {
            await _release.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        int status;
        lock (Statuses)
        {
            status = Statuses.Count > 0 ? Statuses.Dequeue() : Status;
        }

        return Results.StatusCode(status);
    }
}

/// <summary>One POST the receiver got.</summary>
internal sealed record ReceivedWebhook(byte[] Body, string Signature, string EventId, string Timestamp, JsonElement Json)
{
    public string Type => Json.GetProperty("type").GetString()!;

    public string? Text(string property) => Json.TryGetProperty(property, out var value) ? value.GetString() : null;

    /// <summary>Whether the signature is the HMAC-SHA256 of the body with <paramref name="secret"/>.</summary>
    public bool IsSignedWith(string secret) =>
        Signature == "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Body));
}
