namespace KestrelTcp.Server.Api;

/// <summary>The body of <c>POST /api/rules</c> and <c>PUT /api/rules/{id}</c>.</summary>
/// <param name="Listener">The listener whose frames the rule matches.</param>
/// <param name="Name">A label (optional).</param>
/// <param name="Order">Position among the listener's rules, lowest first; omitted on create: last.</param>
/// <param name="Enabled">Default true.</param>
/// <param name="MatchKind"><c>Equals</c>, <c>Prefix</c>, <c>Contains</c>, <c>Regex</c> or <c>Hex</c>.</param>
/// <param name="Pattern">Text, .NET regex, or hex pattern (<c>AA ?? 01 *</c>).</param>
/// <param name="ReplyKind"><c>Text</c> (default) or <c>Hex</c>.</param>
/// <param name="Reply">The reply template (macros <c>{1}</c>, <c>{device}</c>, <c>{counter}</c>, <c>{time}</c>); empty for none.</param>
/// <param name="Record">Default true; false keeps the matched frame and the reply out of history.</param>
internal sealed record RuleRequest(
    string? Listener,
    string? Name,
    int? Order,
    bool? Enabled,
    string? MatchKind,
    string? Pattern,
    string? ReplyKind,
    string? Reply,
    bool? Record);
