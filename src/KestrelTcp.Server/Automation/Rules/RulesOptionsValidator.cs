using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Rules;

/// <summary>Fails the start when a rules bound is out of range, naming the setting.</summary>
internal sealed class RulesOptionsValidator : IValidateOptions<RulesOptions>
{
    public ValidateOptionsResult Validate(string? name, RulesOptions options)
    {
        var errors = new List<string>();
        if (options.RegexTimeout <= TimeSpan.Zero || options.RegexTimeout > TimeSpan.FromSeconds(10))
        {
            errors.Add($"{RulesOptions.Section}:RegexTimeout must be more than 0 and at most 00:00:10 (it is {options.RegexTimeout}).");
        }

        Check(errors, nameof(RulesOptions.MaxRulesPerListener), options.MaxRulesPerListener, 1, 10_000);
        Check(errors, nameof(RulesOptions.MaxRules), options.MaxRules, 1, 100_000);
        Check(errors, nameof(RulesOptions.MaxPatternLength), options.MaxPatternLength, 1, 65_536);
        Check(errors, nameof(RulesOptions.MaxReplyBytes), options.MaxReplyBytes, 1, 1024 * 1024);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{RulesOptions.Section}:{key} must be between {min} and {max} (it is {value}).");
        }
    }
}
