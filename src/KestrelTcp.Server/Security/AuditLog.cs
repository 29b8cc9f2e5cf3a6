using System.Globalization;
using System.Text.Json;
using KestrelTcp.Server.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>
/// The durable audit log: one SQLite file (<see cref="SecurityOptions.AuditPath"/>, default
/// <c>{DataPath}/audit.db</c>). Every write is committed with <c>synchronous=FULL</c> before it returns,
/// and callers await it before the action takes effect, so an action the log cannot record does not
/// happen (the caller sees an error). One connection is enough: writes that arrive while a commit is
/// under way are committed together in the next (see <see cref="WriteAsync"/>). It is never on a
/// session's read loop.
/// </summary>
internal sealed class AuditLog : IHostedService, IAsyncDisposable
{
    /// <summary>Largest page <see cref="ReadPageAsync"/> returns.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Most records <see cref="ReadNewestAsync"/> returns: how deep a cluster's merged audit view
    /// pages (page × pageSize at most this).</summary>
    public const int MaxNewestRows = 2000;

    /// <summary>2 added the <c>nodes</c> column (a cluster's target nodes).</summary>
    private const int SchemaVersion = 2;

    /// <summary>0600: the mode of the database and its side files.</summary>

    /// <summary>Most rows one group commit writes; later ones wait for the next transaction.</summary>
    public const int MaxRowsPerCommit = 256;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _pendingLock = new();
    private readonly List<PendingWrite> _pending = [];
    private bool _committing;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditLog> _logger;
    private SqliteConnection? _connection;
    private bool _disposed;

    public AuditLog(IOptions<SecurityOptions> security, IOptions<KestrelTcpOptions> server, TimeProvider time, ILogger<AuditLog> logger)
    {
        Path = System.IO.Path.GetFullPath(security.Value.AuditPath ?? System.IO.Path.Combine(server.Value.DataPath, "audit.db"));
        _time = time;
        _logger = logger;
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Opens (and if needed creates) the database at start, so a data folder that cannot be
    /// written stops the server at once rather than at the first operator action.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Open();
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Records <paramref name="entry"/> durably and returns its id. Throws when it cannot; the action must
    /// then not happen. Writes that arrive while a commit is under way are committed together in the next
    /// transaction (a group commit: one <c>fsync</c> for up to <see cref="MaxRowsPerCommit"/> rows), so many
    /// API calls at once are not held to one disk flush each; every caller still returns only after its own
    /// row is on disk, and rows keep the order the calls arrived in.
    /// </summary>
    public Task<long> WriteAsync(AuditEvent entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var pending = new PendingWrite(entry, _time.GetUtcNow());
        bool start;
        lock (_pendingLock)
        {
            _pending.Add(pending);
            start = !_committing;
            _committing = true;
        }

        if (start)
        {
            _ = Task.Run(CommitPendingAsync);
        }

        return pending.Done.Task;
    }

    /// <summary>Commits what is pending, batch after batch, until nothing is; one runs at a time.</summary>
    private async Task CommitPendingAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            while (true)
            {
                List<PendingWrite> batch;
                lock (_pendingLock)
                {
                    if (_pending.Count == 0)
                    {
                        _committing = false;
                        return;
                    }

                    var take = Math.Min(_pending.Count, MaxRowsPerCommit);
                    batch = _pending.GetRange(0, take);
                    _pending.RemoveRange(0, take);
                }

                Commit(batch);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Inserts <paramref name="batch"/> in one transaction and completes each caller: with its id
    /// once the commit is on disk, or every one with the error when it is not.</summary>
    private void Commit(List<PendingWrite> batch)
    {
        var ids = new long[batch.Count];
        try
        {
            var connection = Open();
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO audit (time, actor, actor_kind, role, source, action, result, listener, sessions, payload_bytes, payload_sha256, detail, nodes)
                VALUES ($time, $actor, $kind, $role, $source, $action, $result, $listener, $sessions, $bytes, $sha, $detail, $nodes)
                RETURNING id;
                """;
            for (var i = 0; i < batch.Count; i++)
            {
                var (entry, time) = (batch[i].Entry, batch[i].Time);
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$time", time.ToString("O", CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue("$actor", entry.Actor);
                command.Parameters.AddWithValue("$kind", entry.ActorKind.ToString());
                command.Parameters.AddWithValue("$role", (object?)entry.Role?.ToString() ?? DBNull.Value);
                command.Parameters.AddWithValue("$source", (object?)entry.Source ?? DBNull.Value);
                command.Parameters.AddWithValue("$action", entry.Action.ToString());
                command.Parameters.AddWithValue("$result", entry.Result.ToString());
                command.Parameters.AddWithValue("$listener", (object?)entry.Listener ?? DBNull.Value);
                command.Parameters.AddWithValue("$sessions", entry.Sessions.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(entry.Sessions, AuditJson.Default.IReadOnlyListString));
                command.Parameters.AddWithValue("$bytes", (object?)entry.PayloadBytes ?? DBNull.Value);
                command.Parameters.AddWithValue("$sha", (object?)entry.PayloadSha256 ?? DBNull.Value);
                command.Parameters.AddWithValue("$detail", (object?)entry.Detail ?? DBNull.Value);
                command.Parameters.AddWithValue("$nodes", entry.Nodes is null ? DBNull.Value : JsonSerializer.Serialize(entry.Nodes, AuditJson.Default.IReadOnlyListString));
                ids[i] = (long)command.ExecuteScalar()!;
            }

            transaction.Commit();
        }
        catch (Exception ex)
        {
            // Nothing of the batch is on disk (the transaction rolled back): no caller may act.
            foreach (var write in batch)
            {
                if (ex is SqliteException or IOException or UnauthorizedAccessException)
                {
                    _logger.AuditWriteFailed(Path, write.Entry.Action, write.Entry.Actor, ex);
                }

                write.Done.TrySetException(ex);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            _logger.AuditWritten(ids[i], batch[i].Entry.Action, batch[i].Entry.Result, batch[i].Entry.Actor);
            batch[i].Done.TrySetResult(ids[i]);
        }
    }

    /// <summary>One page of records, newest first, with the total count.</summary>
    public async Task<(IReadOnlyList<AuditRecord> Items, long Total)> ReadPageAsync(int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        return await ReadAsync((long)(page - 1) * pageSize, pageSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest <paramref name="count"/> records (at most <see cref="MaxNewestRows"/>), newest
    /// first, with the total count: what a cluster's audit view merges from each node.</summary>
    public async Task<(IReadOnlyList<AuditRecord> Items, long Total)> ReadNewestAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxNewestRows);
        return await ReadAsync(0, count, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(IReadOnlyList<AuditRecord> Items, long Total)> ReadAsync(long skip, int take, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Open();
            long total;
            using (var count = connection.CreateCommand())
            {
                count.CommandText = "SELECT COUNT(*) FROM audit;";
                total = (long)count.ExecuteScalar()!;
            }

            using var query = connection.CreateCommand();
            query.CommandText = """
                SELECT id, time, actor, actor_kind, role, source, action, result, listener, sessions, payload_bytes, payload_sha256, detail, nodes
                FROM audit ORDER BY id DESC LIMIT $take OFFSET $skip;
                """;
            query.Parameters.AddWithValue("$take", take);
            query.Parameters.AddWithValue("$skip", skip);
            var items = new List<AuditRecord>(take);
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                items.Add(ReadRecord(reader));
            }

            return (items, total);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static AuditRecord ReadRecord(SqliteDataReader reader)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        var sessions = Text(9) is { } json ? JsonSerializer.Deserialize(json, AuditJson.Default.IReadOnlyListString) ?? [] : [];
        return new AuditRecord(
            reader.GetInt64(0),
            DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            reader.GetString(2),
            Enum.TryParse<ActorKind>(reader.GetString(3), out var kind) ? kind : ActorKind.Anonymous,
            Enum.TryParse<SecurityRole>(Text(4), out var role) ? role : null,
            Text(5),
            Enum.Parse<AuditAction>(reader.GetString(6)),
            Enum.Parse<AuditResult>(reader.GetString(7)),
            Text(8),
            sessions,
            reader.IsDBNull(10) ? null : reader.GetInt32(10),
            Text(11),
            Text(12),
            Text(13) is { } nodes ? JsonSerializer.Deserialize(nodes, AuditJson.Default.IReadOnlyListString) : null);
    }

    /// <summary>Opens the connection on first use; callers hold <see cref="_gate"/>.</summary>
    private SqliteConnection Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection is not null)
        {
            return _connection;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        // The audit log names users, addresses and actions: for the server's own user only, like the keys.
        OwnerOnlyFile.Create(Path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // No pooling: closing the log releases the file (a restart, a test, a backup can take it).
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA busy_timeout = 5000;
                CREATE TABLE IF NOT EXISTS audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    actor_kind TEXT NOT NULL,
                    role TEXT NULL,
                    source TEXT NULL,
                    action TEXT NOT NULL,
                    result TEXT NOT NULL,
                    listener TEXT NULL,
                    sessions TEXT NULL,
                    payload_bytes INTEGER NULL,
                    payload_sha256 TEXT NULL,
                    detail TEXT NULL,
                    nodes TEXT NULL);
                """;
            command.ExecuteNonQuery();
            AddNodesColumnIfMissing(connection);

            // SQLite gives its side files the database's mode; tighten them anyway, should they predate it.
            OwnerOnlyFile.Restrict(Path + "-wal");
            OwnerOnlyFile.Restrict(Path + "-shm");
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _connection = connection;
        _logger.AuditLogOpened(Path);
        return connection;
    }

    /// <summary>A log written by schema 1 has no <c>nodes</c> column: add it (existing rows keep null).</summary>
    private static void AddNodesColumnIfMissing(SqliteConnection connection)
    {
        using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        if ((long)version.ExecuteScalar()! >= SchemaVersion)
        {
            return;
        }

        using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('audit') WHERE name = 'nodes';";
        using var upgrade = connection.CreateCommand();
        upgrade.CommandText = (long)columns.ExecuteScalar()! == 0
            ? $"ALTER TABLE audit ADD COLUMN nodes TEXT NULL; PRAGMA user_version = {SchemaVersion};"
            : $"PRAGMA user_version = {SchemaVersion};";
        upgrade.ExecuteNonQuery();
    }

    /// <summary>A row waiting for its commit, and its caller.</summary>
    private sealed class PendingWrite(AuditEvent entry, DateTimeOffset time)
    {
        public AuditEvent Entry { get; } = entry;

        public DateTimeOffset Time { get; } = time;

        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
