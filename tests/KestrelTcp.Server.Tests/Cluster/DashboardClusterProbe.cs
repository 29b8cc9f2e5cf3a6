using System.Text.Json.Serialization;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// A dashboard browser played by the .NET SignalR client, connected to one node of a cluster: it applies
/// snapshots and deltas (rows, closes and removals of other nodes' sessions) to its own table as the page
/// does, keeps every cluster status it was sent, and lets a test await a condition on what it received.
/// </summary>
internal sealed class DashboardClusterProbe : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private readonly Lock _gate = new();
    private readonly List<(Func<DashboardClusterProbe, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private readonly Dictionary<string, SessionRow> _sessions = new(StringComparer.Ordinal);

    private DashboardClusterProbe(HubConnection connection)
    {
        Connection = connection;
        connection.On<DashboardSnapshot>(nameof(IDashboardClient.Snapshot), snapshot => Apply(() =>
        {
            Snapshots.Add(snapshot);
            Cluster = snapshot.Cluster;
            _sessions.Clear();
            Closed.Clear();
            Closed.AddRange(snapshot.RecentlyClosed);
            foreach (var row in snapshot.Sessions)
            {
                _sessions[row.Id] = row;
            }
        }));
        connection.On<SessionsDelta>(nameof(IDashboardClient.SessionsChanged), delta => Apply(() =>
        {
            Deltas.Add(delta);
            foreach (var row in delta.Upserted)
            {
                _sessions[row.Id] = row;
            }

            foreach (var row in delta.Closed)
            {
                _sessions.Remove(row.Id);
                Closed.Add(row);
            }

            foreach (var row in delta.Removed)
            {
                _sessions.Remove(row.Id);
                Removed.Add(row);
            }
        }));
        connection.On<ServerTotals>(nameof(IDashboardClient.TotalsChanged), totals => Apply(() => LastTotals = totals));
        connection.On<ClusterStatus>(nameof(IDashboardClient.ClusterChanged), status => Apply(() =>
        {
            ClusterPushes.Add(status);
            Cluster = status;
        }));
    }

    public HubConnection Connection { get; }

    public List<DashboardSnapshot> Snapshots { get; } = [];

    public List<SessionsDelta> Deltas { get; } = [];

    public List<RemovedSessionRow> Removed { get; } = [];

    /// <summary>Recently closed sessions: the snapshot's, then every close a delta brought.</summary>
    public List<ClosedSessionRow> Closed { get; } = [];

    /// <summary>Every <see cref="IDashboardClient.ClusterChanged"/> push, in order.</summary>
    public List<ClusterStatus> ClusterPushes { get; } = [];

    /// <summary>The latest cluster status, from a snapshot or a push.</summary>
    public ClusterStatus? Cluster { get; private set; }

    public ServerTotals? LastTotals { get; private set; }

    public IReadOnlyDictionary<string, SessionRow> Sessions => _sessions;

    public static async Task<DashboardClusterProbe> ConnectAsync(TestServer server)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.HttpAddress, DashboardExtensions.HubPath.TrimStart('/')), options => options.Headers[TestServer.ApiKeyHeaderName] = server.ViewerApiKey)
            .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var probe = new DashboardClusterProbe(connection);
        await connection.StartAsync().WaitAsync(DefaultTimeout);
        return probe;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for what the probe has received (checked
    /// under its lock on every message), failing after the timeout with <paramref name="because"/>.</summary>
    public async Task WaitUntilAsync(Func<DashboardClusterProbe, bool> condition, string because, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(this))
            {
                return;
            }

            _waiters.Add((condition, done));
        }

        try
        {
            await done.Task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {timeout ?? DefaultTimeout} waiting for: {because}.");
        }
    }

    /// <summary>Reads what the probe holds under its lock.</summary>
    public T Read<T>(Func<DashboardClusterProbe, T> read)
    {
        lock (_gate)
        {
            return read(this);
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

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
