using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// The console log in the simple formatter's look (<c>info: Category[eventId]</c>, the message indented on
/// the next line), with every control character of the message written as an escape (<c>\n</c>, <c>\r</c>,
/// <c>\t</c>, <c>\x1B</c>, <c>\u2028</c>): a line feed in a user name, kick reason or any other value from
/// outside cannot start a forged log line or move the terminal's cursor. Exception text, which comes from
/// the server itself, follows on its own indented lines.
/// </summary>
internal sealed class SafeConsoleFormatter : ConsoleFormatter
{
    /// <summary>The name the console logger is configured with.</summary>
    public const string FormatterName = "kestreltcp-safe";

    private const string Indent = "      ";

    private readonly IOptionsMonitor<ConsoleFormatterOptions>? _options;

    /// <summary>A formatter that writes no scopes (for tests of the escaping).</summary>
    public SafeConsoleFormatter()
        : base(FormatterName)
    {
    }

    /// <summary>The formatter the console logger uses: with <see cref="ConsoleFormatterOptions.IncludeScopes"/>
    /// (<c>Logging:Console:FormatterOptions:IncludeScopes</c>, on in the shipped appsettings.json) each line
    /// carries its scopes, a session's id, listener, remote endpoint and device among them.</summary>
    public SafeConsoleFormatter(IOptionsMonitor<ConsoleFormatterOptions> options)
        : base(FormatterName)
    {
        _options = options;
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var line = new StringBuilder();
        line.Append(Level(logEntry.LogLevel)).Append(": ");
        AppendEscaped(line, logEntry.Category);
        line.Append('[').Append(logEntry.EventId.Id.ToString(CultureInfo.InvariantCulture)).Append(']').Append('\n');
        if (scopeProvider is not null && _options?.CurrentValue.IncludeScopes == true)
        {
            AppendScopes(line, scopeProvider);
        }

        if (!string.IsNullOrEmpty(message))
        {
            line.Append(Indent);
            AppendEscaped(line, message);
            line.Append('\n');
        }

        if (logEntry.Exception is { } exception)
        {
            foreach (var text in exception.ToString().Split('\n'))
            {
                line.Append(Indent).Append(text.TrimEnd('\r')).Append('\n');
            }
        }

        textWriter.Write(line.ToString());
    }

    /// <summary>Appends the scopes as the simple formatter does (<c>=> a => b</c> on a line of their own), each
    /// escaped like the message: a scope's values (a remote endpoint, a device id) come from outside too.</summary>
    private static void AppendScopes(StringBuilder line, IExternalScopeProvider scopeProvider)
    {
        var start = line.Length;
        scopeProvider.ForEachScope(
            static (scope, into) =>
            {
                into.Append(" => ");
                AppendEscaped(into, scope?.ToString() ?? string.Empty);
            },
            line);
        if (line.Length > start)
        {
            line.Insert(start, Indent[..^1]).Append('\n');
        }
    }

    /// <summary>Appends <paramref name="text"/> with C0 controls, DEL, C1 controls and the Unicode line and
    /// paragraph separators escaped.</summary>
    internal static void AppendEscaped(StringBuilder into, string text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '\n': into.Append("\\n"); break;
                case '\r': into.Append("\\r"); break;
                case '\t': into.Append("\\t"); break;
                case '\u2028' or '\u2029' or '\u0085': into.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)); break;
                case < ' ' or '\u007F' or (>= '\u0080' and <= '\u009F'): into.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)); break;
                default: into.Append(c); break;
            }
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
