using KestrelTcp.Server.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Devices.History;

/// <summary>
/// The history's SQLite file, <c>{DataPath}/history.db</c> (WAL): one table <c>frames</c> (id, device_id,
/// session_id, listener, direction, at in unix milliseconds, length, payload) with an index on
/// (device_id, id), so a device's frames page newest first across all its sessions. The writer holds one
/// connection; every read opens its own, read-only (WAL lets reads run beside the writer).
/// </summary>
internal sealed class HistoryDatabase
{
    /// <summary>0600: device traffic is for the server's own user only, like the audit log.</summary>

    public HistoryDatabase(IOptions<KestrelTcpOptions> server)
    {
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(server.Value.DataPath, "history.db"));
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Opens the writer's connection, creating the file and its schema when needed.</summary>
    public SqliteConnection OpenWriter()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        OwnerOnlyFile.Create(Path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();

            // synchronous=NORMAL: in WAL mode a crash of the process loses nothing committed, and a power
            // loss at most the last batches; history is a record of traffic, not an operator's action.
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                PRAGMA busy_timeout = 5000;
                CREATE TABLE IF NOT EXISTS frames (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    device_id TEXT NOT NULL,
                    session_id TEXT NOT NULL,
                    listener TEXT NOT NULL,
                    direction INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    length INTEGER NOT NULL,
                    payload BLOB NOT NULL);
                CREATE INDEX IF NOT EXISTS frames_device ON frames (device_id, id);
                """;
            command.ExecuteNonQuery();
            OwnerOnlyFile.Restrict(Path + "-wal");
            OwnerOnlyFile.Restrict(Path + "-shm");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A read-only connection for one query, or null when there is no database yet.</summary>
    public SqliteConnection? OpenReader()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 5000;";
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Bytes of the database in use: its pages less the free ones (which SQLite reuses).</summary>
    public static long UsedBytes(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size());";
        using var reader = command.ExecuteReader();
        reader.Read();
        return reader.GetInt64(0) * reader.GetInt64(1);
    }
}
