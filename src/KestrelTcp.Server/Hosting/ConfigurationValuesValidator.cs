using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>Reports, at start, the values of an options section that do not convert to their settings'
/// types (see <see cref="CheckedConfigurationBinding"/>), one message each.</summary>
internal sealed class ConfigurationValuesValidator<T>(string? optionsName, string sectionPath, IConfiguration configuration) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        if (optionsName is not null && optionsName != name)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = ConfigurationValues.Check(configuration.GetSection(sectionPath), typeof(T));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => e.Message));
    }
}
