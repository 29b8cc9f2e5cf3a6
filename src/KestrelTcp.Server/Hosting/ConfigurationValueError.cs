namespace KestrelTcp.Server.Hosting;

/// <summary>A configuration value that does not convert to its setting's type.</summary>
/// <param name="Path">The full key, for example <c>KestrelTcp:Listeners:default:Port</c>.</param>
/// <param name="Message">What is wrong, naming the key, the allowed values and the value given.</param>
/// <param name="IsProperty">The value is a property of an options object (not an element of a list
/// or dictionary).</param>
internal sealed record ConfigurationValueError(string Path, string Message, bool IsProperty);
