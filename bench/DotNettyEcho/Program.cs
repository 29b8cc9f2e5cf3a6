using System.Net;
using DotNetty.Codecs;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using DotNettyEcho;

// Usage: DotNettyEcho PORT
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 9103;
var boss = new MultithreadEventLoopGroup(1);
var workers = new MultithreadEventLoopGroup(1);
try
{
    var bootstrap = new ServerBootstrap()
        .Group(boss, workers)
        .Channel<TcpServerSocketChannel>()
        .Option(ChannelOption.SoBacklog, 1024)
        .ChildOption(ChannelOption.TcpNodelay, true)
        .ChildHandler(new ActionChannelInitializer<IChannel>(channel =>
        {
            channel.Pipeline.AddLast("prepender", new LengthFieldPrepender(4));
            channel.Pipeline.AddLast("decoder", new LengthFieldBasedFrameDecoder(64 * 1024 * 1024, 0, 4, 0, 4));
            channel.Pipeline.AddLast("echo", new EchoHandler());
        }));
    var bound = await bootstrap.BindAsync(new IPEndPoint(IPAddress.Loopback, port));
    var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
    await stop.Task;
    await bound.CloseAsync();
}
finally
{
    await Task.WhenAll(boss.ShutdownGracefullyAsync(), workers.ShutdownGracefullyAsync());
}
