namespace KestrelTcp.Server.Automation.Rules;

/// <summary>How a rule matches a frame's payload.</summary>
internal enum RuleMatchKind
{
    /// <summary>The payload is exactly the pattern's UTF-8 bytes.</summary>
    Equals,

    /// <summary>The payload starts with the pattern's UTF-8 bytes.</summary>
    Prefix,

    /// <summary>The payload contains the pattern's UTF-8 bytes.</summary>
    Contains,

    /// <summary>The payload, decoded as UTF-8, matches the .NET regular expression (captures usable in the reply).</summary>
    Regex,

    /// <summary>The payload matches a hex pattern: byte pairs, <c>??</c> for any byte, a trailing <c>*</c> for any rest.</summary>
    Hex,
}
