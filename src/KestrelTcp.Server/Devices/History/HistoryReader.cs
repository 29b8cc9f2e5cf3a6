using System.Text;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices.History;

/// <summary>
/// Reads a device's history, newest first, through its own read-only connection: rows come one at a time
/// from a data reader, so a caller that writes each one out as it comes (an export) holds one row at a time.
/// Every value from the request is an SQL parameter; the text search is a LIKE with its wildcards escaped.
/// </summary>
internal sealed class HistoryReader(HistoryDatabase database, HistoryQueue queue)
{
    /// <summary>Longest text search, in characters.</summary>
    public const int MaxTextLength = 256;

    /// <summary>Whether there is a history to read (history is on).</summary>
    public bool Enabled => queue.Enabled;

    /// <summary>The rows <paramref name="query"/> selects, newest first, read as they are enumerated.</summary>
    public IEnumerable<HistoryRow> Read(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = database.OpenReader();
        if (connection is null)
        {
            yield break;
        }

        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT id, session_id, listener, direction, at, length, payload FROM frames WHERE device_id = $device");
        command.Parameters.AddWithValue("$device", query.DeviceId);
        if (query.Before is { } before)
        {
            sql.Append(" AND id < $before");
            command.Parameters.AddWithValue("$before", before);
        }

        if (query.FromMs is { } from)
        {
            sql.Append(" AND at >= $from");
            command.Parameters.AddWithValue("$from", from);
        }

        if (query.ToMs is { } to)
        {
            sql.Append(" AND at <= $to");
            command.Parameters.AddWithValue("$to", to);
        }

        if (query.Direction is { } direction)
        {
            sql.Append(" AND direction = $direction");
            command.Parameters.AddWithValue("$direction", (int)direction);
        }

        if (!string.IsNullOrEmpty(query.Text))
        {
            sql.Append(@" AND CAST(payload AS TEXT) LIKE $text ESCAPE '\'");
            command.Parameters.AddWithValue("$text", "%" + EscapeLike(query.Text) + "%");
        }

        sql.Append(" ORDER BY id DESC");
        if (query.Limit is { } limit)
        {
            sql.Append(" LIMIT $limit");
            command.Parameters.AddWithValue("$limit", limit);
        }

        command.CommandText = sql.Append(';').ToString();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new HistoryRow(
                reader.GetInt64(0),
                reader.GetInt64(4),
                reader.GetString(1),
                reader.GetString(2),
                (FrameDirection)reader.GetInt32(3),
                reader.GetInt32(5),
                (byte[])reader.GetValue(6));
        }
    }

    /// <summary>Escapes LIKE's wildcards (and the escape character itself) so the text matches literally.</summary>
    internal static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
}
