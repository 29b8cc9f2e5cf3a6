using KestrelTcp.Server.Hosting;
using Microsoft.Data.Sqlite;

namespace KestrelTcp.Server.Devices;

/// <summary>
/// The registry's SQLite file (<c>devices.db</c>): the <c>devices</c> table and the <c>pending</c> messages.
/// One connection, used under one lock by the registry's writer and by the API (every statement is short;
/// an export reads through a connection of its own). Device ids, tags and text are always parameters.
/// </summary>
internal sealed class DeviceStore : IDisposable
{
    /// <summary>The sort keys of <c>GET /api/devices</c> and their columns.</summary>
    public static readonly IReadOnlyDictionary<string, string> SortColumns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = "id",
        ["alias"] = "alias",
        ["listener"] = "listener",
        ["firstSeenAt"] = "first_seen",
        ["lastSeenAt"] = "last_seen",
        ["sessionCount"] = "session_count",
        ["online"] = "online",
    };

    private const string Columns = "id, listener, alias, tags, notes, first_seen, last_seen, last_remote, session_count, online, session_id, node";

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;

    public DeviceStore(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        // Device ids, addresses and queued commands: for the server's own user only, like the audit log.
        OwnerOnlyFile.Create(path);
        _connection = new SqliteConnection(ConnectionString(path, SqliteOpenMode.ReadWriteCreate));
        try
        {
            _connection.Open();

            Execute("""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA busy_timeout = 5000;
                CREATE TABLE IF NOT EXISTS devices (
                    id TEXT PRIMARY KEY NOT NULL,
                    listener TEXT NULL,
                    alias TEXT NULL,
                    tags TEXT NOT NULL DEFAULT '',
                    notes TEXT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL,
                    last_remote TEXT NULL,
                    session_count INTEGER NOT NULL DEFAULT 0,
                    online INTEGER NOT NULL DEFAULT 0,
                    session_id TEXT NULL,
                    node TEXT NULL);
                CREATE TABLE IF NOT EXISTS pending (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    device_id TEXT NOT NULL,
                    queued_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    actor TEXT NULL,
                    payload BLOB NOT NULL);
                CREATE INDEX IF NOT EXISTS pending_device ON pending (device_id, id);
                CREATE INDEX IF NOT EXISTS pending_expiry ON pending (expires_at);
                """);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    /// <summary>At start: no session is any device yet (the node restarted).</summary>
    public int MarkAllOffline()
    {
        lock (_gate)
        {
            return Execute("UPDATE devices SET online = 0, session_id = NULL WHERE online = 1;");
        }
    }

    public long CountDevices()
    {
        lock (_gate)
        {
            using var command = Command("SELECT COUNT(*) FROM devices;");
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>
    /// Applies a batch of comings and goings in one transaction. A device seen for the first time is added
    /// only while there are fewer than <paramref name="maxDevices"/>; the others are returned as refused.
    /// <paramref name="deviceCount"/> is kept up to date.
    /// </summary>
    public List<string>? Apply(IReadOnlyList<DeviceEvent> batch, string node, int maxDevices, ref long deviceCount, List<string>? inserted = null)
    {
        List<string>? refused = null;
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var online = Command("""
                UPDATE devices SET listener = $listener, last_seen = $at, last_remote = $remote, online = 1, node = $node,
                    session_count = session_count + (CASE WHEN session_id IS $session THEN 0 ELSE 1 END), session_id = $session
                WHERE id = $id;
                """, transaction);
            using var insert = Command("""
                INSERT INTO devices (id, listener, first_seen, last_seen, last_remote, session_count, online, session_id, node)
                VALUES ($id, $listener, $at, $at, $remote, 1, 1, $session, $node);
                """, transaction);
            using var offline = Command("UPDATE devices SET online = 0, session_id = NULL, last_seen = $at WHERE id = $id AND session_id IS $session;", transaction);
            foreach (var change in batch)
            {
                if (change.Kind == DeviceEventKind.Offline)
                {
                    Run(offline, ("$id", change.DeviceId), ("$session", change.SessionId), ("$at", change.AtMs));
                    continue;
                }

                (string, object?)[] values = [("$id", change.DeviceId), ("$listener", change.Listener), ("$at", change.AtMs), ("$remote", change.RemoteEndPoint), ("$session", change.SessionId), ("$node", change.Remote?.Node ?? node)];
                if (Run(online, values) > 0)
                {
                    continue;
                }

                if (deviceCount >= maxDevices)
                {
                    (refused ??= []).Add(change.DeviceId);
                    continue;
                }

                Run(insert, values);
                deviceCount++;
                inserted?.Add(change.DeviceId);
            }

            transaction.Commit();
        }

        return refused;
    }

    /// <summary>One page of devices and how many match in all.</summary>
    public (List<DeviceInfo> Items, long Total) Query(DeviceQuery query)
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        if (query.Text is { } text)
        {
            where.Add("(instr(lower(id), lower($q)) > 0 OR instr(lower(coalesce(alias, '')), lower($q)) > 0 OR instr(lower(coalesce(notes, '')), lower($q)) > 0 OR instr(coalesce(last_remote, ''), $q) > 0)");
            parameters.Add(("$q", text));
        }

        if (query.Tag is { } tag)
        {
            where.Add("instr(tags, $tag) > 0");
            parameters.Add(("$tag", $",{tag},"));
        }

        if (query.Online is { } isOnline)
        {
            where.Add("online = $online");
            parameters.Add(("$online", isOnline ? 1 : 0));
        }

        var filter = where.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", where);
        var order = SortColumns[query.OrderBy] + (query.Descending ? " DESC" : " ASC");
        lock (_gate)
        {
            using var count = Command($"SELECT COUNT(*) FROM devices {filter};");
            Bind(count, parameters);
            var total = (long)count.ExecuteScalar()!;
            using var page = Command($"SELECT {Columns} FROM devices {filter} ORDER BY {order}, id ASC LIMIT $take OFFSET $skip;");
            Bind(page, parameters);
            page.Parameters.AddWithValue("$take", query.Take);
            page.Parameters.AddWithValue("$skip", query.Skip);
            var items = new List<DeviceInfo>();
            using var reader = page.ExecuteReader();
            while (reader.Read())
            {
                items.Add(Read(reader));
            }

            return (items, total);
        }
    }

    public DeviceInfo? Get(string id)
    {
        lock (_gate)
        {
            using var command = Command($"SELECT {Columns} FROM devices WHERE id = $id;");
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        }
    }

    /// <summary>Sets the fields given (null leaves a field as it is; an empty alias or notes clears it).</summary>
    public DeviceInfo? Update(string id, string? alias, IReadOnlyList<string>? tags, string? notes)
    {
        lock (_gate)
        {
            using var command = Command("""
                UPDATE devices SET
                    alias = CASE WHEN $setAlias THEN $alias ELSE alias END,
                    tags = CASE WHEN $setTags THEN $tags ELSE tags END,
                    notes = CASE WHEN $setNotes THEN $notes ELSE notes END
                WHERE id = $id;
                """);
            Run(
                command,
                ("$id", id),
                ("$setAlias", alias is null ? 0 : 1),
                ("$alias", string.IsNullOrEmpty(alias) ? null : alias),
                ("$setTags", tags is null ? 0 : 1),
                ("$tags", tags is null ? string.Empty : JoinTags(tags)),
                ("$setNotes", notes is null ? 0 : 1),
                ("$notes", string.IsNullOrEmpty(notes) ? null : notes));
        }

        return Get(id);
    }

    /// <summary>Forgets a device and its pending messages; false when there was no such device.</summary>
    public bool Delete(string id)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var pending = Command("DELETE FROM pending WHERE device_id = $id;", transaction);
            Run(pending, ("$id", id));
            using var device = Command("DELETE FROM devices WHERE id = $id;", transaction);
            var deleted = Run(device, ("$id", id)) > 0;
            transaction.Commit();
            return deleted;
        }
    }

    /// <summary>The devices carrying <paramref name="tag"/>.</summary>
    public List<string> IdsWithTag(string tag)
    {
        lock (_gate)
        {
            using var command = Command("SELECT id FROM devices WHERE instr(tags, $tag) > 0 ORDER BY id;");
            command.Parameters.AddWithValue("$tag", $",{tag},");
            var ids = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }
    }

    /// <summary>For the pending queue's counters at start: per device, how many messages wait and their bytes.</summary>
    public Dictionary<string, (int Count, long Bytes)> PendingTotals()
    {
        lock (_gate)
        {
            using var command = Command("SELECT device_id, COUNT(*), SUM(length(payload)) FROM pending GROUP BY device_id;");
            var totals = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                totals[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt64(2));
            }

            return totals;
        }
    }

    public long AddPending(string deviceId, byte[] payload, long queuedAtMs, long expiresAtMs, string? actor)
    {
        lock (_gate)
        {
            using var command = Command("INSERT INTO pending (device_id, queued_at, expires_at, actor, payload) VALUES ($id, $at, $expires, $actor, $payload) RETURNING id;");
            Bind(command, [("$id", deviceId), ("$at", queuedAtMs), ("$expires", expiresAtMs), ("$actor", actor), ("$payload", payload)]);
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>The messages waiting for <paramref name="deviceId"/>, oldest first, with their payloads.</summary>
    public List<(long Id, long QueuedAtMs, long ExpiresAtMs, string? Actor, byte[] Payload)> Pending(string deviceId)
    {
        lock (_gate)
        {
            using var command = Command("SELECT id, queued_at, expires_at, actor, payload FROM pending WHERE device_id = $id ORDER BY id;");
            command.Parameters.AddWithValue("$id", deviceId);
            var items = new List<(long, long, long, string?, byte[])>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                items.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3), (byte[])reader.GetValue(4)));
            }

            return items;
        }
    }

    /// <summary>Deletes the pending messages <paramref name="ids"/> of <paramref name="deviceId"/>
    /// (every one when null); returns how many and their bytes.</summary>
    public (int Count, long Bytes) DeletePending(string deviceId, IReadOnlyCollection<long>? ids)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = Command("DELETE FROM pending WHERE device_id = $device AND ($all OR id = $id) RETURNING length(payload);", transaction);
            var (count, bytes) = (0, 0L);
            foreach (var id in ids ?? [0])
            {
                Bind(command, [("$device", deviceId), ("$all", ids is null ? 1 : 0), ("$id", id)]);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    count++;
                    bytes += reader.GetInt64(0);
                }
            }

            transaction.Commit();
            return (count, bytes);
        }
    }

    /// <summary>Deletes every message expired at <paramref name="nowMs"/>; returns per device how many and their bytes.</summary>
    public Dictionary<string, (int Count, long Bytes)> DeleteExpired(long nowMs)
    {
        lock (_gate)
        {
            using var command = Command("DELETE FROM pending WHERE expires_at <= $now RETURNING device_id, length(payload);");
            command.Parameters.AddWithValue("$now", nowMs);
            var gone = new Dictionary<string, (int Count, long Bytes)>(StringComparer.Ordinal);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var (count, bytes) = gone.GetValueOrDefault(reader.GetString(0));
                gone[reader.GetString(0)] = (count + 1, bytes + reader.GetInt64(1));
            }

            return gone;
        }
    }

    /// <summary>Every device, in id order, read through a connection of its own so that a long export
    /// holds neither the lock nor the writer. The caller disposes the connection.</summary>
    public async IAsyncEnumerable<DeviceInfo> ExportAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(ConnectionString(Path, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM devices ORDER BY id;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    /// <summary>Tags are kept as <c>,a,b,</c>: a tag (which has no comma) is found with <c>instr(tags, ',a,')</c>, no LIKE wildcards involved.</summary>
    private static string JoinTags(IReadOnlyList<string> tags) => tags.Count == 0 ? string.Empty : $",{string.Join(',', tags)},";

    private static string[] SplitTags(string tags) => tags.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static DeviceInfo Read(SqliteDataReader reader)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        return new DeviceInfo(
            reader.GetString(0),
            Text(1),
            Text(2),
            SplitTags(reader.GetString(3)),
            Text(4),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
            Text(7),
            reader.GetInt64(8),
            reader.GetInt64(9) != 0,
            Text(10),
            Text(11));
    }

    private static string ConnectionString(string path, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        // No pooling: disposing the store releases the file (a restart in a test, a backup).
        Pooling = false,
    }.ToString();

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private int Execute(string sql)
    {
        using var command = Command(sql);
        return command.ExecuteNonQuery();
    }

    private static int Run(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        Bind(command, values);
        return command.ExecuteNonQuery();
    }

    private static void Bind(SqliteCommand command, IEnumerable<(string Name, object? Value)> values)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in values)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }
}
