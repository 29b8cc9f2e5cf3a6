using System.Text.Json.Serialization;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Dashboard.Tests.Helpers;

/// <summary>
/// A dashboard browser played by the .NET SignalR client: it applies snapshots and deltas to its own
/// copy of the session table, as the page does, counts every message, and lets a test wait (with a
/// timeout) until its copy satisfies a condition.
/// </summary>
public sealed class HubProbe : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly List<(Func<HubProbe, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private readonly Dictionary<string, SessionRow> _sessions = new(StringComparer.Ordinal);
    private readonly List<ClosedSessionRow> _closed = [];
    private readonly List<TrafficBatch> _traffic = [];

    private HubProbe(HubConnection connection)
    {
        Connection = connection;
        connection.On<DashboardSnapshot>(nameof(IDashboardClient.Snapshot), snapshot => Apply(() =>
        {
            Snapshots++;
            LastSnapshot = snapshot;
            _sessions.Clear();
            foreach (var row in snapshot.Sessions)
            {
                _sessions[row.Id] = row;
            }
        }));
        connection.On<SessionsDelta>(nameof(IDashboardClient.SessionsChanged), delta => Apply(() =>
        {
            Deltas++;
            foreach (var row in delta.Upserted)
            {
                _sessions[row.Id] = row;
            }

            foreach (var row in delta.Closed)
            {
                _sessions.Remove(row.Id);
                _closed.Add(row);
            }
        }));
        connection.On<ServerTotals>(nameof(IDashboardClient.TotalsChanged), totals => Apply(() =>
        {
            TotalsMessages++;
            LastTotals = totals;
        }));
        connection.On<TrafficBatch>(nameof(IDashboardClient.Traffic), batch => Apply(() => _traffic.Add(batch)));
    }

    public HubConnection Connection { get; }

    public int Snapshots { get; private set; }

    public int Deltas { get; private set; }

    public int TotalsMessages { get; private set; }

    public DashboardSnapshot? LastSnapshot { get; private set; }

    public ServerTotals? LastTotals { get; private set; }

    public IReadOnlyDictionary<string, SessionRow> Sessions => _sessions;

    public IReadOnlyList<ClosedSessionRow> Closed => _closed;

    public IReadOnlyList<TrafficBatch> TrafficBatches => _traffic;

    /// <summary>Connects with the API key of <paramref name="role"/> (an Operator unless asked otherwise).</summary>
    public static async Task<HubProbe> ConnectAsync(TestServer server, TestRole role = TestRole.Operator)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.HttpAddress, DashboardExtensions.HubPath.TrimStart('/')), options =>
            {
                if (role != TestRole.Anonymous)
                {
                    options.Headers[TestServer.ApiKeyHeaderName] = TestCredentials.ApiKey(role);
                }
            })
            .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var probe = new HubProbe(connection);
        await connection.StartAsync().WaitAsync(DefaultTimeout);
        return probe;
    }

    /// <summary>Frames received for a session, over all batches.</summary>
    public List<TrafficFrame> Frames(string sessionId)
    {
        lock (_gate)
        {
            return [.. _traffic.Where(b => b.SessionId == sessionId).SelectMany(b => b.Frames)];
        }
    }

    public long Dropped(string sessionId)
    {
        lock (_gate)
        {
            return _traffic.Where(b => b.SessionId == sessionId).Sum(b => b.Dropped);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for what the probe has received.</summary>
    public Task WaitUntilAsync(Func<HubProbe, bool> condition, string because, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(this))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, done));
        }

        return WaitAsync(done.Task, timeout ?? DefaultTimeout, because);
    }

    public Task<T> InvokeAsync<T>(string method, object? argument) =>
        Connection.InvokeAsync<T>(method, argument).WaitAsync(DefaultTimeout);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private static async Task WaitAsync(Task task, TimeSpan timeout, string because)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {timeout} waiting for: {because}.");
        }
    }

    private void Apply(Action change)
    {
        lock (_gate)
        {
            change();
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(this))
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
