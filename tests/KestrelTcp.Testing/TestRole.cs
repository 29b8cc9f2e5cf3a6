namespace KestrelTcp.Testing;

/// <summary>Who a test client is: nobody, a Viewer or an Operator.</summary>
public enum TestRole
{
    /// <summary>No credentials at all.</summary>
    Anonymous,

    /// <summary>May read everything; sends and kicks are refused.</summary>
    Viewer,

    /// <summary>May do everything.</summary>
    Operator,
}
