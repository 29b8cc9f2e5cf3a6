using System.Text;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices;

/// <summary>
/// Messages waiting for offline devices, kept in the registry's database (so they survive a restart) and
/// counted here, so that the bounds (<see cref="PendingOptions"/>) are checked without a query. Delivered
/// by the registry's writer, in the order they were queued, right after the device next identifies.
/// </summary>
internal sealed class PendingQueue
{
    private readonly DeviceStore _store;
    private readonly PendingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Count, long Bytes)> _byDevice;
    private long _totalBytes;
    private long _delivered;
    private long _expired;

    public PendingQueue(DeviceStore store, PendingOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _byDevice = store.PendingTotals();
        _totalBytes = _byDevice.Values.Sum(v => v.Bytes);
    }

    /// <summary>Payload bytes waiting for all devices.</summary>
    public long TotalBytes
    {
        get
        {
            lock (_gate)
            {
                return _totalBytes;
            }
        }
    }

    /// <summary>Messages delivered since start.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Messages dropped since start because they waited longer than <c>Pending:Expiry</c>.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>How many messages wait for <paramref name="deviceId"/>.</summary>
    public int CountFor(string deviceId)
    {
        lock (_gate)
        {
            return _byDevice.TryGetValue(deviceId, out var held) ? held.Count : 0;
        }
    }

    /// <summary>Whether a message of <paramref name="length"/> bytes for <paramref name="deviceId"/> fits the bounds now.</summary>
    public PendingAdd Check(string deviceId, int length)
    {
        lock (_gate)
        {
            return CheckHeld(deviceId, length);
        }
    }

    /// <summary>Queues <paramref name="payload"/> for <paramref name="deviceId"/> within the bounds.</summary>
    public PendingAdd TryAdd(string deviceId, byte[] payload, string? actor, out PendingMessage? queued)
    {
        queued = null;
        lock (_gate)
        {
            if (CheckHeld(deviceId, payload.Length) is var check and not PendingAdd.Queued)
            {
                return check;
            }

            var (count, bytes) = _byDevice.GetValueOrDefault(deviceId);

            var now = _time.GetUtcNow();
            var expires = now + _options.Expiry;
            var id = _store.AddPending(deviceId, payload, now.ToUnixTimeMilliseconds(), expires.ToUnixTimeMilliseconds(), actor);
            _byDevice[deviceId] = (count + 1, bytes + payload.Length);
            _totalBytes += payload.Length;
            queued = ToMessage(id, now.ToUnixTimeMilliseconds(), expires.ToUnixTimeMilliseconds(), actor, payload);
            return PendingAdd.Queued;
        }
    }

    /// <summary>The messages waiting for <paramref name="deviceId"/>, oldest first (expired ones left out).</summary>
    public List<PendingMessage> List(string deviceId)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return [.. _store.Pending(deviceId).Where(p => p.ExpiresAtMs > now).Select(p => ToMessage(p.Id, p.QueuedAtMs, p.ExpiresAtMs, p.Actor, p.Payload))];
    }

    /// <summary>Cancels the message <paramref name="id"/> of <paramref name="deviceId"/>, or all of them when null; returns how many.</summary>
    public int Cancel(string deviceId, long? id)
    {
        lock (_gate)
        {
            var (count, bytes) = _store.DeletePending(deviceId, id is { } one ? [one] : null);
            Forgot(deviceId, count, bytes);
            return count;
        }
    }

    /// <summary>The device was forgotten (its messages went with its row).</summary>
    public void Forget(string deviceId)
    {
        lock (_gate)
        {
            if (_byDevice.Remove(deviceId, out var held))
            {
                _totalBytes -= held.Bytes;
            }
        }
    }

    /// <summary>
    /// Hands the messages waiting for <paramref name="deviceId"/> to <paramref name="session"/>, oldest first,
    /// and deletes those it took. Stops at the first the session does not take (it closed, or its queue is
    /// full): those wait for its next identification. A message its listener's framing cannot carry is dropped.
    /// Returns how many were delivered.
    /// </summary>
    public int Deliver(string deviceId, Session session)
    {
        lock (_gate)
        {
            if (!_byDevice.ContainsKey(deviceId) || session.IsClosed || session.DeviceId != deviceId)
            {
                return 0;
            }

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var done = new List<long>();
            var delivered = 0;
            foreach (var item in _store.Pending(deviceId))
            {
                if (item.ExpiresAtMs <= now)
                {
                    done.Add(item.Id);
                    Interlocked.Increment(ref _expired);
                    continue;
                }

                if (!session.Listener.Codec.TryValidatePayload(item.Payload, out var error))
                {
                    _logger.PendingUndeliverable(deviceId, item.Id, error);
                    done.Add(item.Id);
                    continue;
                }

                if (session.EnqueueCommand(item.Payload, wake: false) != SendResult.Queued)
                {
                    break;
                }

                done.Add(item.Id);
                delivered++;
            }

            session.FlushOutbound();
            if (done.Count > 0)
            {
                var (count, bytes) = _store.DeletePending(deviceId, done);
                Forgot(deviceId, count, bytes);
            }

            Interlocked.Add(ref _delivered, delivered);
            if (delivered > 0)
            {
                _logger.PendingDelivered(deviceId, session.Id, delivered);
            }

            return delivered;
        }
    }

    /// <summary>For a delivery through another node: the messages waiting for <paramref name="deviceId"/>,
    /// oldest first, without the expired ones (those are dropped here).</summary>
    public List<(long Id, byte[] Payload)> Due(string deviceId)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var all = _store.Pending(deviceId);
            var expired = all.Where(p => p.ExpiresAtMs <= now).Select(p => p.Id).ToList();
            if (expired.Count > 0)
            {
                var (count, bytes) = _store.DeletePending(deviceId, expired);
                Forgot(deviceId, count, bytes);
                Interlocked.Add(ref _expired, count);
            }

            return [.. all.Where(p => p.ExpiresAtMs > now).Select(p => (p.Id, p.Payload))];
        }
    }

    /// <summary>Messages another node accepted for the device: they no longer wait.</summary>
    public void DeliveredElsewhere(string deviceId, IReadOnlyCollection<long> ids)
    {
        lock (_gate)
        {
            var (count, bytes) = _store.DeletePending(deviceId, ids);
            Forgot(deviceId, count, bytes);
            Interlocked.Add(ref _delivered, count);
        }
    }

    /// <summary>Drops every message that has waited longer than <c>Pending:Expiry</c>.</summary>
    public int DropExpired()
    {
        lock (_gate)
        {
            var gone = _store.DeleteExpired(_time.GetUtcNow().ToUnixTimeMilliseconds());
            var dropped = 0;
            foreach (var (deviceId, (count, bytes)) in gone)
            {
                Forgot(deviceId, count, bytes);
                dropped += count;
            }

            Interlocked.Add(ref _expired, dropped);
            return dropped;
        }
    }

    /// <summary>The bounds check; callers hold <see cref="_gate"/>.</summary>
    private PendingAdd CheckHeld(string deviceId, int length)
    {
        var (count, bytes) = _byDevice.GetValueOrDefault(deviceId);
        return count >= _options.MaxPerDevice ? PendingAdd.DeviceCountFull
            : bytes + length > _options.MaxBytesPerDevice ? PendingAdd.DeviceBytesFull
            : _totalBytes + length > _options.MaxTotalBytes ? PendingAdd.TotalBytesFull
            : PendingAdd.Queued;
    }

    /// <summary>Takes messages off the counters; callers hold <see cref="_gate"/>.</summary>
    private void Forgot(string deviceId, int count, long bytes)
    {
        if (count == 0 || !_byDevice.TryGetValue(deviceId, out var held))
        {
            return;
        }

        _totalBytes -= bytes;
        if (held.Count <= count)
        {
            _byDevice.Remove(deviceId);
        }
        else
        {
            _byDevice[deviceId] = (held.Count - count, held.Bytes - bytes);
        }
    }

    private static PendingMessage ToMessage(long id, long queuedAtMs, long expiresAtMs, string? actor, byte[] payload) => new(
        id,
        DateTimeOffset.FromUnixTimeMilliseconds(queuedAtMs),
        DateTimeOffset.FromUnixTimeMilliseconds(expiresAtMs),
        payload.Length,
        actor,
        Encoding.UTF8.GetString(payload),
        Convert.ToHexString(payload));
}
