using KestrelTcp.Server.Hosting;
using Microsoft.Data.Sqlite;

namespace KestrelTcp.Server.Automation.Rules;

/// <summary>
/// The rules' SQLite file (<c>rules.db</c> under DataPath, owner-only). One connection under one lock:
/// rules change at the pace of an operator. Every value is a parameter.
/// </summary>
internal sealed class RuleStore : IDisposable
{
    private const string Columns = "id, listener, name, sort_order, enabled, match_kind, pattern, reply_kind, reply, record";

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;

    public RuleStore(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        OwnerOnlyFile.Create(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            _connection.Open();
            Execute("""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA busy_timeout = 5000;
                CREATE TABLE IF NOT EXISTS rules (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    listener TEXT NOT NULL,
                    name TEXT NOT NULL,
                    sort_order INTEGER NOT NULL,
                    enabled INTEGER NOT NULL,
                    match_kind TEXT NOT NULL,
                    pattern TEXT NOT NULL,
                    reply_kind TEXT NOT NULL,
                    reply TEXT NOT NULL,
                    record INTEGER NOT NULL);
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

    public string Path { get; }

    public List<RuleDefinition> LoadAll()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM rules ORDER BY listener, sort_order, id;";
            using var reader = command.ExecuteReader();
            var rules = new List<RuleDefinition>();
            while (reader.Read())
            {
                rules.Add(new RuleDefinition(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetInt32(3),
                    reader.GetInt64(4) != 0,
                    Enum.Parse<RuleMatchKind>(reader.GetString(5)),
                    reader.GetString(6),
                    Enum.Parse<RuleReplyKind>(reader.GetString(7)),
                    reader.GetString(8),
                    reader.GetInt64(9) != 0));
            }

            return rules;
        }
    }

    /// <summary>Inserts a rule (its id ignored) and returns it with the id assigned.</summary>
    public RuleDefinition Insert(RuleDefinition rule)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO rules (listener, name, sort_order, enabled, match_kind, pattern, reply_kind, reply, record)
                VALUES ($listener, $name, $order, $enabled, $match, $pattern, $replyKind, $reply, $record)
                RETURNING id;
                """;
            Bind(command, rule);
            var id = (long)command.ExecuteScalar()!;
            return rule with { Id = id };
        }
    }

    public void Update(RuleDefinition rule)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                UPDATE rules SET listener = $listener, name = $name, sort_order = $order, enabled = $enabled,
                    match_kind = $match, pattern = $pattern, reply_kind = $replyKind, reply = $reply, record = $record
                WHERE id = $id;
                """;
            Bind(command, rule);
            command.Parameters.AddWithValue("$id", rule.Id);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Writes the orders of several rules in one transaction.</summary>
    public void UpdateOrders(IEnumerable<RuleDefinition> rules)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE rules SET sort_order = $order WHERE id = $id;";
            var order = command.Parameters.Add("$order", SqliteType.Integer);
            var id = command.Parameters.Add("$id", SqliteType.Integer);
            foreach (var rule in rules)
            {
                order.Value = rule.Order;
                id.Value = rule.Id;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    public void Delete(long id)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM rules WHERE id = $id;";
            command.Parameters.AddWithValue("$id", id);
            command.ExecuteNonQuery();
        }
    }

    public void Dispose() => _connection.Dispose();

    private static void Bind(SqliteCommand command, RuleDefinition rule)
    {
        command.Parameters.AddWithValue("$listener", rule.Listener);
        command.Parameters.AddWithValue("$name", rule.Name);
        command.Parameters.AddWithValue("$order", rule.Order);
        command.Parameters.AddWithValue("$enabled", rule.Enabled ? 1 : 0);
        command.Parameters.AddWithValue("$match", rule.MatchKind.ToString());
        command.Parameters.AddWithValue("$pattern", rule.Pattern);
        command.Parameters.AddWithValue("$replyKind", rule.ReplyKind.ToString());
        command.Parameters.AddWithValue("$reply", rule.Reply);
        command.Parameters.AddWithValue("$record", rule.Record ? 1 : 0);
    }

    private int Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }
}
