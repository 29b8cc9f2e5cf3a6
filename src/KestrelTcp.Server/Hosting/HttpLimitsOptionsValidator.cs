using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>Validates <see cref="HttpLimitsOptions"/> at start, naming the full key; an explicit
/// <c>MaxConnections</c> must fit in the descriptors the process has for connections.</summary>
internal sealed class HttpLimitsOptionsValidator : IValidateOptions<HttpLimitsOptions>
{
    private readonly Func<(long Limit, int OpenAtStart)> _measure;

    public HttpLimitsOptionsValidator()
        : this(DescriptorBudget.MeasureProcess)
    {
    }

    internal HttpLimitsOptionsValidator(Func<(long Limit, int OpenAtStart)> measure) => _measure = measure;

    public ValidateOptionsResult Validate(string? name, HttpLimitsOptions options)
    {
        const string Root = HttpLimitsOptions.SectionName;
        var errors = new List<string>();
        if (options.MaxConnections is { } max)
        {
            if (max < 2)
            {
                errors.Add($"{Root}:MaxConnections must be at least 2 (one anonymous and one signed-in connection), or unset to derive it from the descriptor limit; it is {max}.");
            }
            else
            {
                var (limit, open) = _measure();
                var available = DescriptorBudget.Available(limit, open);
                if (limit > 0 && max > available)
                {
                    errors.Add($"{Root}:MaxConnections is {max}, but the process's descriptor limit of {limit} leaves {available} for connections ({open} were open at start, {DescriptorBudget.Reserve} are kept in reserve): lower it, leave it unset, or raise the limit with ulimit -n.");
                }
            }
        }

        if (options.AnonymousSharePercent is < 1 or > 90)
        {
            errors.Add($"{Root}:AnonymousSharePercent must be between 1 and 90; it is {options.AnonymousSharePercent}.");
        }

        Positive(errors, $"{Root}:AnonymousIdleTimeout", options.AnonymousIdleTimeout);
        Positive(errors, $"{Root}:KeepAliveTimeout", options.KeepAliveTimeout);
        Positive(errors, $"{Root}:RequestHeadersTimeout", options.RequestHeadersTimeout);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            errors.Add($"{key} must be more than 0 and at most 1 day (for example 00:00:10); it is {value}.");
        }
    }
}
