using DotNetty.Transport.Channels;

namespace DotNettyEcho;

/// <summary>Writes every decoded frame back; flushes once per read batch.</summary>
internal sealed class EchoHandler : ChannelHandlerAdapter
{
    public override void ChannelRead(IChannelHandlerContext context, object message) => context.WriteAsync(message);

    public override void ChannelReadComplete(IChannelHandlerContext context) => context.Flush();

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception) => context.CloseAsync();
}
