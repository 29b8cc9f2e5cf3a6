namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>A request to node <see cref="Node"/> that got no answer, and why; the message names the node.</summary>
internal sealed class NodeCallException : Exception
{
    public NodeCallException(string node, NodeCallFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        Node = node;
        Failure = failure;
    }

    public NodeCallException()
    {
        Node = string.Empty;
    }

    public NodeCallException(string message)
        : base(message)
    {
        Node = string.Empty;
    }

    public NodeCallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Node = string.Empty;
    }

    public string Node { get; }

    public NodeCallFailure Failure { get; }
}
