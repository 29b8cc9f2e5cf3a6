using System.Collections.Concurrent;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Dashboard.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace KestrelTcp.Dashboard.Tests.Helpers;

/// <summary>
/// Stands in for SignalR behind the dashboard publisher: records what it pushes to each connection,
/// and lets a test make one browser slow (its pushes do not complete until released).
/// </summary>
internal sealed class RecordingHubContext : IHubContext<DashboardHub, IDashboardClient>
{
    private readonly RecordingHubClients _clients = new();

    public IHubClients<IDashboardClient> Clients => _clients;

    public IGroupManager Groups => throw new NotSupportedException();

    public RecordingClient For(string connectionOrGroup) => _clients.For(connectionOrGroup);

    private sealed class RecordingHubClients : IHubClients<IDashboardClient>
    {
        private readonly ConcurrentDictionary<string, RecordingClient> _clients = new(StringComparer.Ordinal);

        public IDashboardClient All => throw new NotSupportedException();

        public RecordingClient For(string connectionOrGroup) => _clients.GetOrAdd(connectionOrGroup, _ => new RecordingClient());

        public IDashboardClient Client(string connectionId) => For(connectionId);

        public IDashboardClient Group(string groupName) => For(groupName);

        public IDashboardClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IDashboardClient Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

        public IDashboardClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

        public IDashboardClient Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

        public IDashboardClient User(string userId) => throw new NotSupportedException();

        public IDashboardClient Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();
    }
}

/// <summary>One connection's pushes, in order.</summary>
internal sealed class RecordingClient : IDashboardClient
{
    private readonly Lock _gate = new();
    private readonly List<object> _messages = [];
    private readonly List<(Func<IReadOnlyList<object>, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private Task _completion = Task.CompletedTask;

    public IReadOnlyList<object> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>From now on, pushes complete only when <paramref name="release"/> does.</summary>
    public void Hold(Task release) => _completion = release;

    public Task Snapshot(DashboardSnapshot snapshot) => Record(snapshot);

    public Task SessionsChanged(SessionsDelta delta) => Record(delta);

    public Task TotalsChanged(ServerTotals totals) => Record(totals);

    public Task ClusterChanged(ClusterStatus status) => Record(status);

    public Task Traffic(TrafficBatch batch) => Record(batch);

    public Task WaitUntilAsync(Func<IReadOnlyList<object>, bool> condition, string because)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_messages))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(
            t => t.IsFaulted ? throw new TimeoutException($"Timed out waiting for: {because}.") : t,
            TaskScheduler.Default).Unwrap();
    }

    private Task Record(object message)
    {
        lock (_gate)
        {
            _messages.Add(message);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(_messages))
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return _completion;
    }
}
