using System.Runtime.InteropServices;

namespace KestrelTcp.Server.Hosting.EventLoop;

/// <summary>
/// The few Linux calls the event-loop transport makes itself: epoll, eventfd, and non-blocking
/// recv/sendmsg/shutdown on a socket's descriptor. Every call returns -1 on failure with errno in
/// <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static unsafe partial class LinuxSockets
{
    public const int EPOLLIN = 0x001;
    public const int EPOLLOUT = 0x004;
    public const int EPOLLERR = 0x008;
    public const int EPOLLHUP = 0x010;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int O_NONBLOCK = 0x800;
    public const int SHUT_RDWR = 2;

    public const int EINTR = 4;
    public const int EAGAIN = 11;

    /// <summary>
    /// <c>struct epoll_event</c> is packed on x86-64 (12 bytes, data at offset 4) and naturally aligned on
    /// arm64 (16 bytes, data at offset 8); events are read and written through these two numbers.
    /// </summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int EventDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>
    /// True on the platforms whose <c>epoll_event</c> layout and error numbers this file knows, once an
    /// epoll set has been created and closed through these imports (a C library that cannot be loaded
    /// this way leaves the listeners on Kestrel's socket transport instead of failing them).
    /// </summary>
    public static bool IsSupported { get; } = Probe();

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return false;
        }

        try
        {
            var epoll = EpollCreate(EPOLL_CLOEXEC);
            if (epoll < 0)
            {
                return false;
            }

            Close(epoll);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    public static int Errno => Marshal.GetLastPInvokeError();

    public static uint EventFlags(byte* events, int index) => *(uint*)(events + (index * EventSize));

    public static ulong EventData(byte* events, int index) => *(ulong*)(events + (index * EventSize) + EventDataOffset);

    /// <summary>Adds, changes or removes the interest of <paramref name="fd"/>, tagged with <paramref name="data"/>.</summary>
    public static int Control(int epoll, int op, int fd, int interest, ulong data)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = (uint)interest;
        *(ulong*)(ev + EventDataOffset) = data;
        return EpollCtl(epoll, op, fd, ev);
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Receive(int fd, byte* buffer, nint count, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint count, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    /// <summary>Puts <paramref name="fd"/> in non-blocking mode (<c>O_NONBLOCK</c>); false with errno set on failure.</summary>
    public static bool SetNonBlocking(int fd)
    {
        var flags = Fcntl(fd, F_GETFL, 0);
        return flags >= 0 && ((flags & O_NONBLOCK) != 0 || Fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0);
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMessage(int fd, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c> (no address, no control data).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
