using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using static KestrelTcp.Server.Hosting.EventLoop.LinuxSockets;

namespace KestrelTcp.Server.Hosting.EventLoop;

/// <summary>
/// One thread waiting on one epoll set. When a connection's socket has data, the thread reads it into
/// the connection's input pipe and the session's read loop runs right there, inline; its echo is sent
/// on the same pass. Level-triggered, with the event loop's usual rules: a read that comes back short
/// means the socket is drained (no second read to be told so), and a connection gets a bounded number
/// of reads per wake-up so one busy client cannot keep the thread from the others.
/// </summary>
internal sealed unsafe class EventLoop : IDisposable
{
    private const int MaxEvents = 256;

    // The eventfd that wakes the loop is registered with this tag; connections use GCHandle values.
    private const ulong WakeTag = 0;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<EventLoopConnection> _closing = new();

    // Guards the epoll and eventfd descriptors' lifetime: once the loop has closed them, a late wake-up
    // or interest change must not reach whatever file the kernel gives those numbers to next.
    private readonly Lock _descriptors = new();
    private bool _descriptorsClosed;
    private volatile bool _stopping;

    // Written only by the loop thread (the connection count by any thread, atomically); read by the
    // capacity monitor. What the loop did since it started: time spent handling events (not waiting in
    // epoll_wait), wake-ups and events handled.
    private long _busyTicks;
    private long _wakeups;
    private long _events;
    private int _connections;

    public EventLoop(int index, ILogger logger)
    {
        Index = index;
        _logger = logger;
        _epoll = EpollCreate(EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1 failed (errno {Errno}).");
        }

        _wake = EventFd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (_wake < 0 || LinuxSockets.Control(_epoll, EPOLL_CTL_ADD, _wake, EPOLLIN, WakeTag) < 0)
        {
            var errno = Errno;
            LinuxSockets.Close(_epoll);
            throw new IOException($"The event loop's eventfd could not be set up (errno {errno}).");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = $"KestrelTcp loop {index}" };
        _thread.UnsafeStart();
    }

    public bool IsLoopThread => Thread.CurrentThread == _thread;

    /// <summary>The loop's number, from 0.</summary>
    public int Index { get; }

    /// <summary>What the loop has done since it started, for its load (<see cref="EventLoopCounters"/>).</summary>
    public EventLoopCounters Counters() => new(
        Index,
        Stopwatch.GetElapsedTime(0, Volatile.Read(ref _busyTicks)),
        Volatile.Read(ref _wakeups),
        Volatile.Read(ref _events),
        Volatile.Read(ref _connections));

    /// <summary>A connection was registered with this loop (<see cref="EventLoopTransport.Adopt"/>).</summary>
    public void ConnectionAdded() => Interlocked.Increment(ref _connections);

    /// <summary>A connection of this loop closed (once per connection).</summary>
    public void ConnectionRemoved() => Interlocked.Decrement(ref _connections);

    /// <summary>Sets what the loop waits for on a connection's socket: an add, a change or a removal.
    /// After the loop has stopped there is nothing to wait with, and this does nothing.</summary>
    public int Control(int op, int fd, int interest, ulong tag)
    {
        lock (_descriptors)
        {
            return _descriptorsClosed ? 0 : LinuxSockets.Control(_epoll, op, fd, interest, tag);
        }
    }

    /// <summary>Closes a connection's socket on the loop thread, after the events already taken for it.</summary>
    public void CloseOnLoop(EventLoopConnection connection)
    {
        _closing.Enqueue(connection);
        Wake();

        // The enqueue must be visible before _stopping is read (a store then a load: fence).
        Interlocked.MemoryBarrier();
        if (_stopping)
        {
            // The host is shutting down and the loop may have made its last pass over the queue before
            // this connection was in it. Once the loop has finished, nothing else touches the sockets:
            // close what is left here.
            if (!IsLoopThread)
            {
                _thread.Join(StopTimeout);
            }

            CloseQueued();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        Wake();
        if (!IsLoopThread)
        {
            _thread.Join(StopTimeout);
        }
    }

    private void CloseQueued()
    {
        while (_closing.TryDequeue(out var closing))
        {
            closing.CloseOnLoopThread();
        }
    }

    private void Wake()
    {
        lock (_descriptors)
        {
            if (!_descriptorsClosed)
            {
                ulong one = 1;
                LinuxSockets.Write(_wake, (byte*)&one, sizeof(ulong));
            }
        }
    }

    private void Run()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EventSize));
        try
        {
            while (!_stopping)
            {
                var count = EpollWait(_epoll, events, MaxEvents, -1);
                if (count < 0)
                {
                    if (Errno == EINTR)
                    {
                        continue;
                    }

                    _logger.LoopFailed(Errno);
                    break;
                }

                var busySince = Stopwatch.GetTimestamp();
                for (var i = 0; i < count; i++)
                {
                    var tag = EventData(events, i);
                    if (tag == WakeTag)
                    {
                        ulong drained;
                        LinuxSockets.Read(_wake, (byte*)&drained, sizeof(ulong));
                        continue;
                    }

                    if (GCHandle.FromIntPtr((nint)tag).Target is EventLoopConnection connection)
                    {
                        connection.OnEvents(EventFlags(events, i));
                    }
                }

                // Closed only here, between batches: an event already taken for a socket is handled
                // before its descriptor (and the handle in the event's tag) goes away.
                CloseQueued();
                Volatile.Write(ref _busyTicks, _busyTicks + (Stopwatch.GetTimestamp() - busySince));
                Volatile.Write(ref _wakeups, _wakeups + 1);
                Volatile.Write(ref _events, _events + count);
            }
        }
        finally
        {
            NativeMemory.Free(events);
            CloseQueued();
            lock (_descriptors)
            {
                _descriptorsClosed = true;
                LinuxSockets.Close(_wake);
                LinuxSockets.Close(_epoll);
            }
        }
    }
}
