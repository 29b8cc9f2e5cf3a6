using KestrelTcp.Server.Automation.Rules;

namespace KestrelTcp.Server.Tests.Automation;

/// <summary>An <see cref="IRuleHitObserver"/> that completes a task with the first hit it is told of.</summary>
internal sealed class RuleHitRecorder : IRuleHitObserver
{
    public TaskCompletionSource<(string SessionId, string? DeviceId, string Listener, long RuleId, string RuleName)> FirstHit { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void RuleHit(string sessionId, string? deviceId, string listener, long ruleId, string ruleName) =>
        FirstHit.TrySetResult((sessionId, deviceId, listener, ruleId, ruleName));
}
