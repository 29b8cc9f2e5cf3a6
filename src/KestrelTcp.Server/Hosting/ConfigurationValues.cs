using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Checks that every value in a configuration section converts to the type of the options property it
/// binds to, the way the configuration binder converts it, before the binder sees it. The binder throws
/// on the first bad value with a message about CLR types (or, inside a dictionary such as
/// <c>Listeners</c>, silently drops the whole entry); this names the key, the allowed values and what
/// was given, for every bad value at once.
/// </summary>
internal static class ConfigurationValues
{
    private const int MaxDepth = 16;

    /// <summary>One message per value under <paramref name="section"/> that does not convert to its
    /// property of <paramref name="type"/>, for example
    /// <c>KestrelTcp:Listeners:default:Framing:Kind must be one of Raw, Line, Delimiter, LengthPrefixed, Fixed (was 'Bogus').</c></summary>
    public static IReadOnlyList<ConfigurationValueError> Check(IConfigurationSection section, Type type)
    {
        var errors = new List<ConfigurationValueError>();
        CheckObject(section, type, errors, 0);
        return errors;
    }

    /// <summary>What the binder would make of <paramref name="value"/> as a <paramref name="type"/>; null
    /// when it converts. Exposed for other checks that read configuration by hand.</summary>
    /// <param name="path">The full key.</param>
    /// <param name="value">The configured text.</param>
    /// <param name="type">The setting's type.</param>
    /// <param name="rule">What the setting allows, when it declares it with <see cref="RangeAttribute"/>
    /// or <see cref="AllowedValuesAttribute"/>: it goes into the message.</param>
    public static string? Describe(string path, string value, Type type, ValidationAttribute? rule = null)
    {
        var target = Nullable.GetUnderlyingType(type);
        if (target is not null && string.IsNullOrEmpty(value))
        {
            return null;
        }

        target ??= type;
        object? converted;
        try
        {
            converted = TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException or InvalidCastException)
        {
            return $"{path} must be {Expected(target, rule)} (was '{value}').";
        }

        if (target.IsEnum && converted is not null && !target.IsDefined(typeof(FlagsAttribute), false) && !Enum.IsDefined(target, converted))
        {
            return $"{path} must be {Expected(target, rule)} (was '{value}').";
        }

        return null;
    }

    private static void CheckObject(IConfigurationSection section, Type type, List<ConfigurationValueError> errors, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        foreach (var child in section.GetChildren())
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is { CanRead: true } && property.GetIndexParameters().Length == 0)
            {
                var rule = (ValidationAttribute?)property.GetCustomAttribute<RangeAttribute>() ?? property.GetCustomAttribute<AllowedValuesAttribute>();
                CheckValue(child, property.PropertyType, rule, isProperty: true, errors, depth + 1);
            }
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, ValidationAttribute? rule, bool isProperty, List<ConfigurationValueError> errors, int depth)
    {
        if (IsScalar(type))
        {
            // A scalar with children (KestrelTcp:DataPath:x=1) is ignored by the binder too.
            if (section.Value is { } value && Describe(section.Path, value, type, rule) is { } message)
            {
                errors.Add(new ConfigurationValueError(section.Path, message, isProperty));
            }

            return;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var child in section.GetChildren())
            {
                CheckValue(child, element, null, isProperty: false, errors, depth + 1);
            }

            return;
        }

        if (type.IsClass && type != typeof(object))
        {
            CheckObject(section, type, errors, depth);
        }
    }

    /// <summary>Types the binder converts from one string (it asks their <see cref="TypeConverter"/>).</summary>
    private static bool IsScalar(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target == typeof(string) || target.IsPrimitive || target.IsEnum || target == typeof(decimal)
            || (!typeof(IEnumerable).IsAssignableFrom(target) && TypeDescriptor.GetConverter(target).CanConvertFrom(typeof(string)));
    }

    /// <summary>The value type of a dictionary keyed by string, or the element type of an array or list.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() is var definition
                && (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)))
            {
                return candidate.GetGenericArguments()[1];
            }
        }

        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private static string Expected(Type type, ValidationAttribute? rule)
    {
        if (rule is AllowedValuesAttribute allowed)
        {
            return $"one of {string.Join(", ", allowed.Values)}";
        }

        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type))}";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type == typeof(TimeSpan))
        {
            return "a duration as [d.]hh:mm:ss[.fff], for example 00:00:30 for 30 seconds or 1.00:00:00 for a day";
        }

        var limits = rule is RangeAttribute range ? string.Create(CultureInfo.InvariantCulture, $" from {range.Minimum} to {range.Maximum}") : string.Empty;
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 =>
                $"a whole number{limits}",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => $"a number{limits}",
            _ => $"a valid {type.Name}",
        };
    }
}
