using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadRunner;

/// <summary>
/// The history benchmark's load: connections that each send a first frame (<c>ID=dev…</c> to identify, or a
/// hello that does not), then either echo rounds (a block of <c>depth</c> frames, then wait for all their
/// echoes) or, with no echo, blocks of frames as fast as the socket takes them. Counts frames echoed.
/// </summary>
internal static class HistoryClient
{
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(4));
        return frame;
    }

    public static async Task<List<Socket>> ConnectAsync(int port, int connections, bool identify, int serverEchoesHello)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < connections; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            var hello = Frame(Encoding.ASCII.GetBytes(identify ? $"ID=dev{i:D5}" : $"HELLO {i:D5}"));
            await socket.SendAsync(hello);
            if (serverEchoesHello > 0)
            {
                var echo = new byte[hello.Length];
                for (var read = 0; read < echo.Length;)
                {
                    read += await socket.ReceiveAsync(echo.AsMemory(read));
                }
            }

            sockets.Add(socket);
        }

        return sockets;
    }

    /// <summary>Echo rounds on every socket until <paramref name="stop"/>; frames echoed counted into <paramref name="counted"/> while <paramref name="measuring"/>[0] is 1.</summary>
    public static async Task EchoAsync(Socket socket, int depth, int size, long[] counted, int[] measuring, CancellationToken stop)
    {
        var one = Frame(Enumerable.Repeat((byte)'x', size).ToArray());
        var block = new byte[one.Length * depth];
        for (var i = 0; i < depth; i++)
        {
            one.CopyTo(block, i * one.Length);
        }

        var buffer = new byte[block.Length];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await socket.SendAsync(block, SocketFlags.None, stop);
                for (var read = 0; read < block.Length;)
                {
                    var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, stop);
                    if (n == 0)
                    {
                        return;
                    }

                    read += n;
                }

                if (Volatile.Read(ref measuring[0]) == 1)
                {
                    Interlocked.Add(ref counted[0], depth);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // The run is over.
        }
    }

    /// <summary>Blocks of frames as fast as the socket takes them (Monitor: nothing comes back).</summary>
    public static async Task FloodAsync(Socket socket, int depth, int size, CancellationToken stop)
    {
        var one = Frame(Enumerable.Repeat((byte)'t', size).ToArray());
        var block = new byte[one.Length * depth];
        for (var i = 0; i < depth; i++)
        {
            one.CopyTo(block, i * one.Length);
        }

        try
        {
            while (!stop.IsCancellationRequested)
            {
                await socket.SendAsync(block, SocketFlags.None, stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // The run is over.
        }
    }
}
