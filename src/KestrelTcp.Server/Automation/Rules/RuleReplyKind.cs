namespace KestrelTcp.Server.Automation.Rules;

/// <summary>How a rule's reply template is written.</summary>
internal enum RuleReplyKind
{
    /// <summary>Text, sent as UTF-8.</summary>
    Text,

    /// <summary>Hex byte pairs (spaces allowed); macros are inserted as their UTF-8 text.</summary>
    Hex,
}
