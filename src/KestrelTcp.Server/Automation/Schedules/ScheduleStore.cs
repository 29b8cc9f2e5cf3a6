using KestrelTcp.Server.Hosting;
using Microsoft.Data.Sqlite;

namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>
/// The schedules' SQLite file (<c>schedules.db</c>, owner-only like the device registry): one row per
/// schedule with its definition, next slot, last run, last result and counter. One connection under one
/// lock; every statement is short and every value a parameter.
/// </summary>
internal sealed class ScheduleStore : IDisposable
{
    private const string Columns = "id, name, target_kind, target, text, hex, kind, interval_s, time_of_day, days, at, enabled, created_by, created_at, next_run, last_run, last_result, counter";

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;

    public ScheduleStore(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        OwnerOnlyFile.Create(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            _connection.Open();
            using var command = _connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA busy_timeout = 5000;
                CREATE TABLE IF NOT EXISTS schedules (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NULL,
                    target_kind INTEGER NOT NULL,
                    target TEXT NULL,
                    text TEXT NULL,
                    hex TEXT NULL,
                    kind INTEGER NOT NULL,
                    interval_s INTEGER NULL,
                    time_of_day TEXT NULL,
                    days TEXT NOT NULL DEFAULT '',
                    at INTEGER NULL,
                    enabled INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    next_run INTEGER NULL,
                    last_run INTEGER NULL,
                    last_result TEXT NULL,
                    counter INTEGER NOT NULL DEFAULT 0);
                """;
            command.ExecuteNonQuery();
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        OwnerOnlyFile.Restrict(path + "-wal");
        OwnerOnlyFile.Restrict(path + "-shm");
    }

    public string Path { get; }

    public int Count()
    {
        lock (_gate)
        {
            using var command = Command("SELECT COUNT(*) FROM schedules;");
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public List<Schedule> All()
    {
        lock (_gate)
        {
            using var command = Command($"SELECT {Columns} FROM schedules ORDER BY id;");
            return Read(command);
        }
    }

    /// <summary>The started schedules whose next slot is at or before <paramref name="now"/>.</summary>
    public List<Schedule> Due(DateTimeOffset now)
    {
        lock (_gate)
        {
            using var command = Command($"SELECT {Columns} FROM schedules WHERE enabled = 1 AND next_run IS NOT NULL AND next_run <= $now ORDER BY next_run;");
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            return Read(command);
        }
    }

    public Schedule? Get(string id)
    {
        lock (_gate)
        {
            using var command = Command($"SELECT {Columns} FROM schedules WHERE id = $id;");
            command.Parameters.AddWithValue("$id", id);
            return Read(command).FirstOrDefault();
        }
    }

    /// <summary>Adds <paramref name="schedule"/> while there are fewer than <paramref name="max"/>; false when
    /// full. An existing id is replaced (its counter and last run kept unless the new row says otherwise).</summary>
    public bool Insert(Schedule schedule, int max)
    {
        lock (_gate)
        {
            using (var count = Command("SELECT COUNT(*) FROM schedules;"))
            {
                if ((long)count.ExecuteScalar()! >= max)
                {
                    return false;
                }
            }

            Write(schedule, "INSERT");
            return true;
        }
    }

    /// <summary>Replaces the row of <paramref name="schedule"/>'s id.</summary>
    public void Update(Schedule schedule)
    {
        lock (_gate)
        {
            Write(schedule, "INSERT OR REPLACE");
        }
    }

    public bool Delete(string id)
    {
        lock (_gate)
        {
            using var command = Command("DELETE FROM schedules WHERE id = $id;");
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteNonQuery() > 0;
        }
    }

    /// <summary>Increments the counter of <paramref name="id"/> and returns its new value (null when gone):
    /// the counter is written before the run sends, so a restart never repeats a value.</summary>
    public long? NextCounter(string id)
    {
        lock (_gate)
        {
            using var command = Command("UPDATE schedules SET counter = counter + 1 WHERE id = $id RETURNING counter;");
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteScalar() is long value ? value : null;
        }
    }

    /// <summary>Records a run's outcome and the next slot (the counter is left as <see cref="NextCounter"/> set it).</summary>
    public void RecordRun(string id, DateTimeOffset? lastRun, string? lastResult, DateTimeOffset? nextRun, bool enabled)
    {
        lock (_gate)
        {
            using var command = Command("""
                UPDATE schedules SET last_run = COALESCE($last, last_run), last_result = COALESCE($result, last_result), next_run = $next, enabled = $enabled
                WHERE id = $id;
                """);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$last", (object?)lastRun?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            command.Parameters.AddWithValue("$result", (object?)lastResult ?? DBNull.Value);
            command.Parameters.AddWithValue("$next", (object?)nextRun?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            command.Parameters.AddWithValue("$enabled", enabled ? 1 : 0);
            command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private void Write(Schedule s, string verb)
    {
        using var command = Command($"""
            {verb} INTO schedules ({Columns})
            VALUES ($id, $name, $target_kind, $target, $text, $hex, $kind, $interval, $tod, $days, $at, $enabled, $created_by, $created_at, $next, $last, $result, $counter);
            """);
        var p = command.Parameters;
        p.AddWithValue("$id", s.Id);
        p.AddWithValue("$name", (object?)s.Name ?? DBNull.Value);
        p.AddWithValue("$target_kind", (int)s.TargetKind);
        p.AddWithValue("$target", (object?)s.Target ?? DBNull.Value);
        p.AddWithValue("$text", (object?)s.Text ?? DBNull.Value);
        p.AddWithValue("$hex", (object?)s.Hex ?? DBNull.Value);
        p.AddWithValue("$kind", (int)s.Kind);
        p.AddWithValue("$interval", (object?)s.IntervalSeconds ?? DBNull.Value);
        p.AddWithValue("$tod", (object?)s.TimeOfDay ?? DBNull.Value);
        p.AddWithValue("$days", string.Join(',', s.Days.Select(d => (int)d)));
        p.AddWithValue("$at", (object?)s.At?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        p.AddWithValue("$enabled", s.Enabled ? 1 : 0);
        p.AddWithValue("$created_by", s.CreatedBy);
        p.AddWithValue("$created_at", s.CreatedAt.ToUnixTimeMilliseconds());
        p.AddWithValue("$next", (object?)s.NextRunAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        p.AddWithValue("$last", (object?)s.LastRunAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        p.AddWithValue("$result", (object?)s.LastResult ?? DBNull.Value);
        p.AddWithValue("$counter", s.Counter);
        command.ExecuteNonQuery();
    }

    private static List<Schedule> Read(SqliteCommand command)
    {
        var list = new List<Schedule>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i));
            var days = reader.GetString(9);
            list.Add(new Schedule(
                reader.GetString(0),
                Text(1),
                (ScheduleTargetKind)reader.GetInt32(2),
                Text(3),
                Text(4),
                Text(5),
                (ScheduleKind)reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetInt32(7),
                Text(8),
                days.Length == 0 ? [] : [.. days.Split(',').Select(d => (DayOfWeek)int.Parse(d, System.Globalization.CultureInfo.InvariantCulture))],
                Time(10),
                reader.GetInt64(11) != 0,
                reader.GetString(12),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(13)),
                Time(14),
                Time(15),
                Text(16),
                reader.GetInt64(17)));
        }

        return list;
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
