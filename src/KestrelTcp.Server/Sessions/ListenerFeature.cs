namespace KestrelTcp.Server.Sessions;

/// <summary>Tells the session handler which listener accepted a connection.</summary>
internal sealed class ListenerFeature(Listener listener)
{
    public Listener Listener { get; } = listener;
}
