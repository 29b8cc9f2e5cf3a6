using System.Text.Json;
using KestrelTcp.Server.Hosting;
using Microsoft.Data.Sqlite;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>
/// The outbound connections created through the API (<c>outbound.db</c> under DataPath, owner-only), so
/// that they survive a restart, with whether an operator left them stopped. Configured connections live
/// in configuration, not here.
/// </summary>
internal sealed class OutboundStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;

    public OutboundStore(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        OwnerOnlyFile.Create(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            _connection.Open();
            Execute("""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA busy_timeout = 5000;
                CREATE TABLE IF NOT EXISTS connections (
                    name TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
                    options TEXT NOT NULL,
                    stopped INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    created_by TEXT NULL);
                """);
            OwnerOnlyFile.Restrict(path + "-wal");
            OwnerOnlyFile.Restrict(path + "-shm");
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public List<(string Name, OutboundConnectionOptions Options, bool Stopped)> Load()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT name, options, stopped FROM connections ORDER BY name";
            using var reader = command.ExecuteReader();
            var all = new List<(string, OutboundConnectionOptions, bool)>();
            while (reader.Read())
            {
                var options = JsonSerializer.Deserialize<OutboundConnectionOptions>(reader.GetString(1), Json) ?? new OutboundConnectionOptions();
                all.Add((reader.GetString(0), options, reader.GetInt64(2) != 0));
            }

            return all;
        }
    }

    public void Add(string name, OutboundConnectionOptions options, string? createdBy) =>
        Execute(
            "INSERT INTO connections (name, options, stopped, created_at, created_by) VALUES ($name, $options, 0, $at, $by)",
            ("$name", name), ("$options", JsonSerializer.Serialize(options, Json)), ("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), ("$by", createdBy));

    public void SetStopped(string name, bool stopped) =>
        Execute("UPDATE connections SET stopped = $stopped WHERE name = $name", ("$name", name), ("$stopped", stopped ? 1 : 0));

    public void Remove(string name) => Execute("DELETE FROM connections WHERE name = $name", ("$name", name));

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            command.ExecuteNonQuery();
        }
    }

    public void Dispose() => _connection.Dispose();
}
