namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// The dashboard hub and its publisher, configured under <c>KestrelTcp:Dashboard</c>. The limits keep
/// what the server holds for each browser bounded, however slow that browser is.
/// </summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KestrelTcp:Dashboard";

    /// <summary>How often changes are pushed to browsers. Default 250 ms: reads as live to a person, and
    /// coalesces any number of frames into at most four deltas a second.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Frames of one watched session held for its viewers between pushes, or while their
    /// previous push is still in flight. Default 500; past that the oldest are dropped and the viewers
    /// are told how many.</summary>
    public int TrafficBufferFrames { get; set; } = 500;

    /// <summary>Bytes of one watched session's ring, at most (each frame's <see cref="TrafficPreviewBytes"/>
    /// and 16 bytes), shared by all its viewers. Default 256 KiB: the whole 500 frames of
    /// <see cref="TrafficBufferFrames"/> up to about 500 bytes each, a quarter second of 1 KiB frames at
    /// 1,000 a second; past that the oldest are dropped and counted like those beyond the frame count.
    /// The rings together are at most this × the sessions watched (<see cref="MaxWatchedSessions"/> per browser).</summary>
    public int TrafficBufferBytes { get; set; } = 256 * 1024;

    /// <summary>Bytes of each frame shown in the traffic log. Default 1 KiB: a screenful of text or
    /// hex; the REST API serves the longer history preview.</summary>
    public int TrafficPreviewBytes { get; set; } = 1024;

    /// <summary>Sessions one browser may watch at once. Default 16.</summary>
    public int MaxWatchedSessions { get; set; } = 16;

    /// <summary>Seconds of totals kept for the charts, one sample a second. Default 300 (five minutes).</summary>
    public int TotalsHistorySeconds { get; set; } = 300;

    /// <summary>Recently closed sessions in a snapshot. Default 200.</summary>
    public int RecentlyClosedShown { get; set; } = 200;

    /// <summary>Closed sessions (in a cluster, with the other nodes' sessions that left the view) held for
    /// one browser while it is behind; past that it gets a fresh snapshot instead. Default 2000.</summary>
    public int BacklogClosedLimit { get; set; } = 2000;

    /// <summary>In a cluster, sessions of other nodes that changed between two flushes, held (by id, with
    /// their node) until the flush reads them from the cluster view. Default 10,000: two nodes of 5,000
    /// sessions each republishing their counters at once. Past it the ids are dropped and every browser
    /// gets a fresh snapshot instead, so a burst (a node of 100,000 sessions coming back) costs one
    /// snapshot, not memory that grows with it.</summary>
    public int MaxRemoteChanges { get; set; } = 10_000;

    /// <summary>Largest message a browser may send (a send to 10,000 chosen sessions, or a 64 KiB
    /// payload as hex). Default 1 MiB; SignalR's own default of 32 KiB is too small for either.</summary>
    public long MaxCommandBytes { get; set; } = 1024 * 1024;

    /// <summary>Traffic held for one browser in pushes it has not yet taken, estimated as the frames'
    /// text and hex in memory (two bytes a character) plus 96 bytes a frame. Past it the browser's new
    /// frames are dropped, counted, and the count sent with its next batch (<c>Dropped</c>). Default
    /// 1 MiB: a few seconds of a busy session's log. A browser that stops reading costs the server about
    /// three times this (the frames as objects, the push being written once more as JSON, the pooled
    /// blocks of SignalR's pipe) plus about 3 MB for the connection, whatever it watches.</summary>
    public long MaxViewerBacklogBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a push to one browser may stay unfinished before the browser is closed as
    /// stuck (logged with the reason; its page reconnects and starts afresh). Default 30 seconds: far
    /// beyond any live connection, short enough that a stuck one does not hold its backlog for long.</summary>
    public TimeSpan ViewerStuckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Dashboard (hub) connections one user or API key may hold at once. Default 8: a few
    /// tabs and a script; the next is refused with 429 and the reason.</summary>
    public int MaxConnectionsPerUser { get; set; } = 8;

    /// <summary>Dashboard (hub) connections at once, over all users. Default: half the signed-in share
    /// of the HTTP connection budget (<c>KestrelTcp:Http</c>), so that pages and the API always keep
    /// room, and at most 32: a team's worth of tabs (8 per user), and all of them stuck at once hold about
    /// 230 MB at the other defaults, plus the session snapshot each may have in flight (about 1 KiB a session).
    /// A value above the signed-in share is lowered to it at start, with a warning.</summary>
    public int? MaxConnections { get; set; }

    /// <summary>The most a derived <see cref="MaxConnections"/> gives.</summary>
    internal const int DefaultMaxConnections = 32;
}
