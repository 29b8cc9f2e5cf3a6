using System.Diagnostics;
using KestrelTcp.Server.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Devices.History;

/// <summary>
/// The one writer of the device history: a thread of its own takes the queued frames in batches (one
/// transaction each, up to <see cref="MaxRowsPerBatch"/> rows; a batch is whatever queued while the last one
/// was committed) and keeps the database inside its retention, by age and by size, between batches. It is
/// never on a session's loop: a writer that falls behind makes the queue drop frames, it does not slow devices.
/// At stop (after the TCP listeners have closed their sessions) it writes what is still queued.
/// </summary>
internal sealed class HistoryWriter : IHostedService, IDisposable
{
    /// <summary>Most rows one transaction writes.</summary>
    public const int MaxRowsPerBatch = 4096;

    /// <summary>Rows per multi-row insert statement: one statement's overhead for 32 rows.</summary>
    private const int RowsPerStatement = 32;

    private const int ColumnsPerRow = 7;

    /// <summary>Most rows one retention delete removes; batches are written between such chunks.</summary>
    private const int DeleteChunkRows = 10_000;

    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(30);

    private readonly HistoryQueue _queue;
    private readonly HistoryDatabase _database;
    private readonly DeviceHistoryOptions _options;
    private readonly ILogger<HistoryWriter> _logger;
    private readonly WarningInterval _dropWarning = new(DropLogInterval);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SqliteConnection? _connection;
    private SqliteCommand? _insert;
    private SqliteCommand? _insertMany;
    private readonly ArchivedFrame[] _rows = new ArchivedFrame[RowsPerStatement];
    private long _written;
    private long _failed;
    private long _deleted;
    private long _usedBytes;
    private long _retentionRuns;
    private long _bytesSinceRetention;
    private long _droppedLogged;
    private long _lastRetention;

    public HistoryWriter(HistoryQueue queue, HistoryDatabase database, IOptions<DeviceHistoryOptions> options, ILogger<HistoryWriter> logger)
    {
        _queue = queue;
        _database = database;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Frames written to the database since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Frames lost because their batch could not be written (a full disk, say).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Rows retention has deleted since start.</summary>
    public long Deleted => Interlocked.Read(ref _deleted);

    /// <summary>Retention passes run since start.</summary>
    public long RetentionRuns => Interlocked.Read(ref _retentionRuns);

    /// <summary>Bytes the database used at the last look (pages less free pages).</summary>
    public long UsedBytes => Interlocked.Read(ref _usedBytes);

    /// <summary>Opens (and if needed creates) the database at start, so a data folder that cannot be
    /// written stops the server at once, then starts the writer's thread.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_queue.Enabled)
        {
            _done.TrySetResult();
            return Task.CompletedTask;
        }

        _connection = _database.OpenWriter();
        _insert = CreateInsert(_connection, 1);
        _insertMany = CreateInsert(_connection, RowsPerStatement);
        _logger.HistoryOpened(_database.Path, _options.Retention, _options.MaxBytes);
        new Thread(Run) { IsBackground = true, Name = "Device history writer" }.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop.Dispose();
        _insert?.Dispose();
        _insertMany?.Dispose();
        _connection?.Dispose();
    }

    private void Run()
    {
        WriterPriority.LowerCurrentThread(_options.WriterNice);
        try
        {
            RunRetention();
            while (true)
            {
                var stopping = _stop.IsCancellationRequested;
                var wrote = WriteBatch();
                if (wrote > 0)
                {
                    ReportDrops();
                    if (Interlocked.Read(ref _bytesSinceRetention) >= _options.MaxBytes / 16 || RetentionDue() <= TimeSpan.Zero)
                    {
                        RunRetention();
                    }

                    continue;
                }

                if (stopping)
                {
                    break;
                }

                var due = RetentionDue();
                if (due <= TimeSpan.Zero)
                {
                    RunRetention();
                    continue;
                }

                ReportDrops();
                _queue.WaitForFrames(due, _stop.Token);
            }
        }
        finally
        {
            _insert?.Dispose();
            _insert = null;
            _insertMany?.Dispose();
            _insertMany = null;
            _connection?.Dispose();
            _connection = null;
            _done.TrySetResult();
        }
    }

    private TimeSpan RetentionDue() =>
        _options.RetentionInterval - Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRetention));

    /// <summary>Writes the frames queued now (up to <see cref="MaxRowsPerBatch"/>) in one transaction, in
    /// statements of <see cref="RowsPerStatement"/> rows (a single-row one for the rest); returns how many it took.</summary>
    private int WriteBatch()
    {
        if (!_queue.TryTake(out var frame))
        {
            return 0;
        }

        var connection = _connection!;
        var rows = _rows;
        var count = 0;
        var buffered = 0;
        long bytes = 0;
        try
        {
            using var transaction = connection.BeginTransaction();
            _insertMany!.Transaction = transaction;
            _insert!.Transaction = transaction;
            do
            {
                rows[buffered++] = frame;
                count++;
                bytes += frame.Payload.Length + frame.DeviceId.Length + frame.SessionId.Length + 32;
                if (buffered == RowsPerStatement)
                {
                    Bind(_insertMany, rows, buffered);
                    _insertMany.ExecuteNonQuery();
                    buffered = 0;
                }
            }
            while (count < MaxRowsPerBatch && _queue.TryTake(out frame));

            for (var i = 0; i < buffered; i++)
            {
                Bind(_insert, rows.AsSpan(i, 1), 1);
                _insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            Interlocked.Add(ref _failed, count);
            _logger.HistoryWriteFailed(count, _database.Path, ex);
            return count;
        }
        finally
        {
            _insertMany!.Transaction = null;
            _insert!.Transaction = null;
            Array.Clear(rows);
        }

        Interlocked.Add(ref _written, count);
        Interlocked.Add(ref _bytesSinceRetention, bytes);
        return count;
    }

    /// <summary>Binds <paramref name="count"/> frames to the parameters of a (multi-row) insert, seven per row.</summary>
    private static void Bind(SqliteCommand insert, ReadOnlySpan<ArchivedFrame> frames, int count)
    {
        var p = insert.Parameters;
        for (var i = 0; i < count; i++)
        {
            var frame = frames[i];
            var at = i * ColumnsPerRow;
            p[at].Value = frame.DeviceId;
            p[at + 1].Value = frame.SessionId;
            p[at + 2].Value = frame.Listener;
            p[at + 3].Value = (int)frame.Direction;
            p[at + 4].Value = (frame.AtTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
            p[at + 5].Value = frame.Length;
            p[at + 6].Value = frame.Payload;
        }
    }

    private void ReportDrops()
    {
        var dropped = _queue.Dropped;
        if (dropped != _droppedLogged && _dropWarning.TryTake())
        {
            _droppedLogged = dropped;
            _logger.HistoryFramesDropped(dropped, _queue.MaxFrames, _queue.MaxBytes);
        }
    }

    /// <summary>
    /// Deletes the frames older than <see cref="DeviceHistoryOptions.Retention"/>, then, while the database
    /// uses more than <see cref="DeviceHistoryOptions.MaxBytes"/>, the oldest frames until it uses about
    /// seven eighths of it (the freed pages are reused by later writes, so the file stops growing).
    /// </summary>
    private void RunRetention()
    {
        Interlocked.Exchange(ref _lastRetention, Stopwatch.GetTimestamp());
        Interlocked.Exchange(ref _bytesSinceRetention, 0);
        Interlocked.Increment(ref _retentionRuns);
        var connection = _connection!;
        try
        {
            long deleted = 0;
            var cutoff = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)_options.Retention.TotalMilliseconds;

            // Rows arrive in time order, so everything below the first young row is old (a clock step back
            // leaves a few old rows above it until a later pass).
            var boundary = Scalar(connection, "SELECT id FROM frames WHERE at >= $cutoff ORDER BY id LIMIT 1;", cutoff)
                ?? (Scalar(connection, "SELECT MAX(id) FROM frames;", null) is { } newest ? newest + 1 : 0);
            deleted += DeleteBelow(connection, boundary);

            var used = HistoryDatabase.UsedBytes(connection);
            var target = _options.MaxBytes - (_options.MaxBytes / 8);
            for (var pass = 0; pass < 64 && used > _options.MaxBytes; pass++)
            {
                var min = Scalar(connection, "SELECT MIN(id) FROM frames;", null);
                var max = Scalar(connection, "SELECT MAX(id) FROM frames;", null);
                if (min is null || max is null)
                {
                    break;
                }

                // As many of the oldest rows as the share of bytes to free, assuming rows of about one size.
                var rows = max.Value - min.Value + 1;
                var share = (double)(used - target) / used;
                deleted += DeleteBelow(connection, min.Value + Math.Max(1, (long)Math.Ceiling(rows * share)));
                used = HistoryDatabase.UsedBytes(connection);
            }

            Interlocked.Exchange(ref _usedBytes, used);
            Interlocked.Add(ref _deleted, deleted);
            if (deleted > 0)
            {
                _logger.HistoryRetention(deleted, used);
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            _logger.HistoryRetentionFailed(_database.Path, ex);
        }
    }

    /// <summary>Deletes the rows with an id below <paramref name="boundary"/>, a chunk at a time, writing a
    /// batch of queued frames between chunks so that a long pass does not make the queue overflow.</summary>
    private long DeleteBelow(SqliteConnection connection, long boundary)
    {
        long deleted = 0;
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM frames WHERE id IN (SELECT id FROM frames WHERE id < $boundary ORDER BY id LIMIT $chunk);";
        delete.Parameters.AddWithValue("$boundary", boundary);
        delete.Parameters.AddWithValue("$chunk", DeleteChunkRows);
        while (true)
        {
            var rows = delete.ExecuteNonQuery();
            deleted += rows;
            if (rows < DeleteChunkRows)
            {
                return deleted;
            }

            WriteBatch();
        }
    }

    private static long? Scalar(SqliteConnection connection, string sql, long? cutoff)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (cutoff is { } value)
        {
            command.Parameters.AddWithValue("$cutoff", value);
        }

        return command.ExecuteScalar() is long result ? result : null;
    }

    /// <summary>An insert of <paramref name="rows"/> rows: parameters <c>$d0, $s0, … $p0, $d1, …</c>.</summary>
    private static SqliteCommand CreateInsert(SqliteConnection connection, int rows)
    {
        var insert = connection.CreateCommand();
        var sql = new System.Text.StringBuilder("INSERT INTO frames (device_id, session_id, listener, direction, at, length, payload) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "(" : ",(").Append(System.Globalization.CultureInfo.InvariantCulture, $"$d{i},$s{i},$l{i},$r{i},$a{i},$n{i},$p{i})");
            insert.Parameters.Add($"$d{i}", SqliteType.Text);
            insert.Parameters.Add($"$s{i}", SqliteType.Text);
            insert.Parameters.Add($"$l{i}", SqliteType.Text);
            insert.Parameters.Add($"$r{i}", SqliteType.Integer);
            insert.Parameters.Add($"$a{i}", SqliteType.Integer);
            insert.Parameters.Add($"$n{i}", SqliteType.Integer);
            insert.Parameters.Add($"$p{i}", SqliteType.Blob);
        }

        insert.CommandText = sql.Append(';').ToString();
        return insert;
    }
}
