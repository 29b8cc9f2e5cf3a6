namespace KestrelTcp.Server.Admission;

/// <summary>Why admission control refused a connection (counted per listener).</summary>
public enum AdmissionRejection
{
    /// <summary>Admitted.</summary>
    None,

    /// <summary>The address has its maximum of concurrent connections.</summary>
    AddressLimit,

    /// <summary>The address opened too many connections in the last second.</summary>
    Rate,

    /// <summary>The address is on the deny list or not on the allow list.</summary>
    Denied,

    /// <summary>The address is banned after repeated protocol violations.</summary>
    Banned,
}
