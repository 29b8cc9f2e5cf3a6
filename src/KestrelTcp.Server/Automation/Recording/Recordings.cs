using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Recording;

/// <summary>
/// The recordings under <c>DataPath/recordings/</c>: starts and stops them, lists, opens and deletes the
/// files (by their server-generated names only: a client never gives a path), within MaxRecordings,
/// MaxActive and MaxTotalBytes.
/// </summary>
internal sealed partial class Recordings : IHostedService
{
    public const string Extension = ".ktcp.jsonl";

    private readonly ConcurrentDictionary<string, SessionRecording> _active = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly RecordingOptions _options;
    private readonly SessionRegistry _registry;
    private long _totalBytes = -1;

    public Recordings(IOptions<RecordingOptions> options, IOptions<KestrelTcpOptions> server, SessionRegistry registry)
    {
        _options = options.Value;
        _registry = registry;
        Folder = Path.Combine(Path.GetFullPath(server.Value.DataPath), "recordings");
    }

    public string Folder { get; }

    public RecordingOptions Options => _options;

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,200}\.ktcp\.jsonl$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"[^A-Za-z0-9_-]")]
    private static partial Regex Unsafe();

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Starts recording <paramref name="session"/>; the error (for a 400) or null.</summary>
    public string? TryStart(Session session, out SessionRecording? recording)
    {
        recording = null;
        lock (_gate)
        {
            EnsureFolder();
            if (session.Tap is not null || _active.Values.Any(r => r.Session == session))
            {
                return $"Session '{session.Id}' is already being recorded.";
            }

            if (_active.Count >= _options.MaxActive)
            {
                return $"{_active.Count} recordings are running, the most {RecordingOptions.SectionName}:MaxActive allows.";
            }

            var files = Directory.GetFiles(Folder, "*" + Extension);
            if (files.Length >= _options.MaxRecordings)
            {
                return $"There are {files.Length} recordings, the most {RecordingOptions.SectionName}:MaxRecordings allows; delete some first.";
            }

            if (Interlocked.Read(ref _totalBytes) >= _options.MaxTotalBytes)
            {
                return $"The recordings hold {_totalBytes} bytes, at {RecordingOptions.SectionName}:MaxTotalBytes ({_options.MaxTotalBytes}); delete some first.";
            }

            var name = $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss-fff}-{Cut(Unsafe().Replace(session.Listener.Name, "_"))}-{Cut(Unsafe().Replace(session.Id, "_"))}{Extension}";
            recording = new SessionRecording(session, name, Path.Combine(Folder, name), _options, Reserve);
            if (!session.TryAddTap(recording))
            {
                return $"Session '{session.Id}' is already being recorded.";
            }

            try
            {
                recording.Start();
            }
            catch (IOException ex)
            {
                session.RemoveTap(recording);
                return $"The recording file could not be created: {ex.Message}";
            }

            _active[name] = recording;
            var started = recording;
            _ = started.Completion.ContinueWith(_ => _active.TryRemove(started.Name, out var _), TaskScheduler.Default);
            return null;
        }
    }

    /// <summary>The running recording of a session, if any.</summary>
    public SessionRecording? ActiveFor(string sessionId) => _active.Values.FirstOrDefault(r => r.Session.Id == sessionId);

    public IReadOnlyList<RecordingInfo> List()
    {
        EnsureFolder();
        var list = new List<RecordingInfo>();
        foreach (var path in Directory.GetFiles(Folder, "*" + Extension))
        {
            var file = new FileInfo(path);
            var name = file.Name;
            var active = _active.GetValueOrDefault(name);
            list.Add(new RecordingInfo(name, file.Length, file.LastWriteTimeUtc, active?.Session.Id, active is not null, active?.Frames ?? 0, active?.Dropped ?? 0));
        }

        return [.. list.OrderByDescending(r => r.Name, StringComparer.Ordinal)];
    }

    /// <summary>The path of a recording file, by its name; null when the name is not one of ours or there is no such file.</summary>
    public string? PathOf(string name)
    {
        if (!IsValidName(name))
        {
            return null;
        }

        var path = Path.Combine(Folder, name);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Deletes a finished recording; the error or null.</summary>
    public string? TryDelete(string name)
    {
        if (_active.ContainsKey(name))
        {
            return $"Recording '{name}' is still running; stop it first.";
        }

        var path = PathOf(name);
        if (path is null)
        {
            return null;
        }

        var length = new FileInfo(path).Length;
        File.Delete(path);
        Interlocked.Add(ref _totalBytes, -length);
        return null;
    }

    private bool Reserve(long bytes)
    {
        var total = Interlocked.Add(ref _totalBytes, bytes);
        if (total > _options.MaxTotalBytes)
        {
            Interlocked.Add(ref _totalBytes, -bytes);
            return false;
        }

        return true;
    }

    private void EnsureFolder()
    {
        if (Interlocked.Read(ref _totalBytes) >= 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_totalBytes >= 0)
            {
                return;
            }

            if (!Directory.Exists(Folder))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(Folder);
                }
                else
                {
                    Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            Volatile.Write(ref _totalBytes, Directory.GetFiles(Folder, "*" + Extension).Sum(f => new FileInfo(f).Length));
        }
    }

    private static string Cut(string text) => text.Length > 64 ? text[..64] : text;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var recording in _active.Values)
        {
            recording.Stop("server shutdown");
        }

        await Task.WhenAll(_active.Values.Select(r => r.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The session a recording was made of, if it is still live here.</summary>
    public Session? LiveSession(string id) => _registry.TryGet(id, out var session) ? session : null;
}
