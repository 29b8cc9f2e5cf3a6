using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// <c>BindConfiguration</c> that cannot be broken by a value of the wrong type. The binder throws on
/// the first value it cannot convert (<c>Port=abc</c>, <c>IdleTimeout=soon</c>), from wherever the
/// options are first read, with a stack trace and a message about CLR types; inside a dictionary
/// (<c>Listeners:default:Framing:Kind=Bogus</c>) it silently drops the whole entry instead, so the
/// server then complains that there is no listener. Here the bad values are left out of the binding
/// (their settings keep their defaults) and every one of them is reported by validation, at start, with
/// a message that names the key, the allowed values and the value given.
/// </summary>
internal static class CheckedConfigurationBinding
{
    /// <summary>A key that no options class has: the binder ignores it.</summary>
    private const string Placeholder = "(invalid value left out)";

    public static OptionsBuilder<T> BindConfigurationChecked<T>(this OptionsBuilder<T> builder, string sectionPath)
        where T : class
    {
        var name = builder.Name;
        builder.Configure<IConfiguration>((options, configuration) => Bind(configuration.GetSection(sectionPath), options));
        builder.Services.AddSingleton<IOptionsChangeTokenSource<T>>(sp => new ConfigurationChangeTokenSource<T>(name, sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<IValidateOptions<T>>(sp => new ConfigurationValuesValidator<T>(name, sectionPath, sp.GetRequiredService<IConfiguration>()));
        return builder;
    }

    /// <summary>Binds <paramref name="section"/> onto <paramref name="options"/>, leaving out the values
    /// that <see cref="ConfigurationValues.Check"/> reports.</summary>
    public static void Bind(IConfigurationSection section, object options)
    {
        var errors = ConfigurationValues.Check(section, options.GetType());
        if (errors.Count == 0)
        {
            section.Bind(options);
            return;
        }

        var prefix = section.Path.Length + 1;
        var bad = errors.Select(e => e.Path[prefix..]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var kept = section.AsEnumerable(makePathsRelative: true).Where(pair => pair.Value is not null && !bad.Contains(pair.Key)).ToList();

        // Without its bad value, an object in a dictionary (a listener with only Mode=Shout) could be
        // left with no keys, and the binder would drop it; a key no setting has keeps it there.
        foreach (var error in errors.Where(e => e.IsProperty))
        {
            var relative = error.Path[prefix..];
            var parent = relative.LastIndexOf(':') is var at and > 0 ? relative[..at] + ":" : string.Empty;
            kept.Add(KeyValuePair.Create(parent + Placeholder, (string?)string.Empty));
        }

        new ConfigurationBuilder().AddInMemoryCollection(kept).Build().Bind(options);
    }
}
