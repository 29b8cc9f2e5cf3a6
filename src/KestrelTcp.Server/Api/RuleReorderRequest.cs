namespace KestrelTcp.Server.Api;

/// <summary>The body of <c>POST /api/rules/reorder</c>: every rule id of <paramref name="Listener"/>, in the new order.</summary>
internal sealed record RuleReorderRequest(string? Listener, IReadOnlyList<long>? Ids);
