namespace KestrelTcp.Server.Automation.Rules;

/// <summary>Why a rule was refused: the field at fault and what is wrong with it.</summary>
internal sealed record RuleError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
