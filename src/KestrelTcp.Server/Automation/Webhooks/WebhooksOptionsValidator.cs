using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>Validates <see cref="WebhooksOptions"/> at start; each failure names its configuration key.</summary>
internal sealed class WebhooksOptionsValidator : IValidateOptions<WebhooksOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhooksOptions options)
    {
        const string Root = WebhooksOptions.SectionName;
        var errors = new List<string>();
        Between(errors, $"{Root}:MaxEndpoints", options.MaxEndpoints, 1, 100);
        Between(errors, $"{Root}:QueueCapacity", options.QueueCapacity, 16, 1_000_000);
        Between(errors, $"{Root}:MaxAttempts", options.MaxAttempts, 1, 20);
        Between(errors, $"{Root}:DeliveryLogSize", options.DeliveryLogSize, 1, 10_000);
        Within(errors, $"{Root}:InitialBackoff", options.InitialBackoff, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        Within(errors, $"{Root}:MaxBackoff", options.MaxBackoff, options.InitialBackoff, TimeSpan.FromMinutes(10));
        Within(errors, $"{Root}:Timeout", options.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2));
        if (options.Endpoints.Count > options.MaxEndpoints)
        {
            errors.Add($"{Root}:Endpoints has {options.Endpoints.Count} endpoints, more than {Root}:MaxEndpoints ({options.MaxEndpoints}).");
        }

        foreach (var (endpoint, value) in options.Endpoints)
        {
            var key = $"{Root}:Endpoints:{endpoint}";
            if (!WebhookDefinition.IsValidName(endpoint))
            {
                errors.Add($"{key}: the name must be {WebhookDefinition.NameRule}.");
            }

            if (WebhookDefinition.CheckUrl(value.Url, out _) is { } urlError)
            {
                errors.Add($"{key}:Url {urlError} (was '{value.Url}').");
            }

            if (WebhookDefinition.CheckSecret(value.Secret) is { } secretError)
            {
                errors.Add($"{key}:Secret {secretError}.");
            }

            if (WebhookDefinition.ParseEvents(value.Events?.Split(','), out var bad) is null)
            {
                errors.Add($"{key}:Events: '{bad}' is not one of connect, disconnect, identified, rule.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Between(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min} and {max} (was {value}).");
        }
    }

    private static void Within(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min} and {max} (was {value}).");
        }
    }
}
