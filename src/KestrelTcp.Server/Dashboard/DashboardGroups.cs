namespace KestrelTcp.Server.Dashboard;

/// <summary>Names of the SignalR groups the dashboard uses.</summary>
internal static class DashboardGroups
{
    /// <summary>The viewers of one session: its traffic goes to this group only.</summary>
    public static string Session(string sessionId) => "session:" + sessionId;
}
