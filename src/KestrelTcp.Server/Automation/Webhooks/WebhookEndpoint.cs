using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>
/// One webhook endpoint: a bounded queue that the data path only ever <c>TryWrite</c>s to (full = dropped
/// and counted), and one delivery loop that POSTs the events one at a time, in the order they were queued,
/// so events of a session arrive in order. A failed POST is retried after a backoff that doubles up to a
/// cap; after the last attempt the event is dropped and counted, and the next one goes.
/// </summary>
internal sealed class WebhookEndpoint : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Channel<WebhookEvent> _queue;
    private readonly HashSet<WebhookEventKind> _events;
    private readonly string _secret;
    private readonly WebhooksOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Queue<WebhookDelivery> _log = new();
    private readonly Lock _logGate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly WarningInterval _dropWarning = new(TimeSpan.FromSeconds(30));
    private Task _loop = Task.CompletedTask;
    private long _delivered;
    private long _retries;
    private long _droppedFull;
    private long _droppedAfterRetries;
    private int _disposed;

    public WebhookEndpoint(string name, Uri url, string secret, IReadOnlyList<WebhookEventKind> events, string source, WebhooksOptions options, HttpClient http, TimeProvider time, ILogger logger)
    {
        Name = name;
        Url = url;
        Source = source;
        _secret = secret;
        _events = [.. events];
        _options = options;
        _http = http;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<WebhookEvent>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public string Name { get; }

    public Uri Url { get; }

    public string Source { get; }

    public bool Wants(WebhookEventKind kind) => _events.Contains(kind);

    /// <summary>Queues <paramref name="item"/>, or drops and counts it when the queue is full. Never blocks.</summary>
    public void Offer(WebhookEvent item)
    {
        if (!_queue.Writer.TryWrite(item))
        {
            var dropped = Interlocked.Increment(ref _droppedFull);
            if (_dropWarning.TryTake())
            {
                _logger.WebhookQueueFull(Name, _options.QueueCapacity, dropped);
            }
        }
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public WebhookEndpointInfo Describe() => new(
        Name, Url.ToString(), [.. _events.Order().Select(e => e.ToString().ToLowerInvariant())], Source, _queue.Reader.Count,
        Interlocked.Read(ref _delivered), Interlocked.Read(ref _retries), Interlocked.Read(ref _droppedFull), Interlocked.Read(ref _droppedAfterRetries));

    /// <summary>The last deliveries, newest first.</summary>
    public WebhookDelivery[] Deliveries()
    {
        lock (_logGate)
        {
            return [.. _log.Reverse()];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A POST that ignores cancellation: the loop ends when it does.
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                await DeliverAsync(item, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Removed, or the server is stopping.
        }
    }

    private async Task DeliverAsync(WebhookEvent item, CancellationToken stop)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(item, Json);
        var signature = WebhookSignature.Sign(_secret, body);
        var backoff = _options.InitialBackoff;
        int? status = null;
        string? error = null;
        double latency = 0;
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(_options.Timeout);
                using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, signature);
                request.Headers.TryAddWithoutValidation(WebhookSignature.EventIdHeader, item.Id);
                request.Headers.TryAddWithoutValidation(WebhookSignature.EventTypeHeader, item.Type);
                request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                error = response.IsSuccessStatusCode ? null : $"HTTP {status}";
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                status = null;
                error = $"no answer within {_options.Timeout.TotalSeconds:0.###} s";
            }
            catch (HttpRequestException ex)
            {
                status = null;
                error = ex.Message;
            }

            latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (error is null)
            {
                // Logged before counted: whoever sees the count sees the log entry.
                Record(new WebhookDelivery(item.Id, item.Type, item.SessionId, _time.GetUtcNow(), true, status, attempt, latency, null));
                Interlocked.Increment(ref _delivered);
                return;
            }

            if (attempt >= _options.MaxAttempts)
            {
                _logger.WebhookGaveUp(Name, item.Id, attempt, error);
                Record(new WebhookDelivery(item.Id, item.Type, item.SessionId, _time.GetUtcNow(), false, status, attempt, latency, error));
                Interlocked.Increment(ref _droppedAfterRetries);
                return;
            }

            Interlocked.Increment(ref _retries);
            _logger.WebhookAttemptFailed(Name, item.Id, attempt, error, backoff);
            await Task.Delay(backoff, _time, stop).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
        }
    }

    private void Record(WebhookDelivery delivery)
    {
        lock (_logGate)
        {
            _log.Enqueue(delivery);
            while (_log.Count > _options.DeliveryLogSize)
            {
                _log.Dequeue();
            }
        }
    }
}
