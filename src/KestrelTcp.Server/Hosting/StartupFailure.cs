using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// What <c>Program</c> prints when the server cannot start because of its configuration or its
/// environment: one line per problem on stderr, naming the key, and an exit code of its own
/// (<see cref="ServerExitCodes"/>), instead of an unhandled exception's stack trace and exit 134.
/// Exceptions it does not know are not described: they are bugs and keep their stack trace.
/// </summary>
internal sealed partial record StartupFailure(int ExitCode, IReadOnlyList<string> Problems)
{
    /// <summary>The problems behind <paramref name="exception"/>, thrown by building or starting the app;
    /// <paramref name="services"/> (when the app was built) names the listener of an address in use.</summary>
    public static bool TryDescribe(Exception exception, IServiceProvider? services, [NotNullWhen(true)] out StartupFailure? failure)
    {
        var problems = new List<string>();
        var exitCode = ServerExitCodes.InvalidConfiguration;
        foreach (var single in Flatten(exception))
        {
            switch (single)
            {
                case OptionsValidationException validation:
                    problems.AddRange(validation.Failures);
                    break;
                case InvalidOperationException when single.Source == "Microsoft.Extensions.Configuration.Binder":
                    // A section not bound through CheckedConfigurationBinding: the binder's own message
                    // names the key and the type.
                    problems.Add(single.Message);
                    break;
                case IOException when Find<AddressInUseException>(single) is not null:
                    problems.Add(DescribeAddressInUse(single, services));
                    exitCode = ServerExitCodes.CannotListen;
                    break;
                default:
                    failure = null;
                    return false;
            }
        }

        failure = new StartupFailure(exitCode, [.. problems.Distinct(StringComparer.Ordinal)]);
        return problems.Count > 0;
    }

    /// <summary>One line per problem, each starting with <c>error: </c>.</summary>
    public void WriteTo(TextWriter writer)
    {
        foreach (var problem in Problems)
        {
            writer.WriteLine($"error: {problem}");
        }

        writer.Flush();
    }

    private static IEnumerable<Exception> Flatten(Exception exception) => exception is AggregateException aggregate
        ? aggregate.Flatten().InnerExceptions
        : [exception];

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Kestrel says "Failed to bind to address http://127.0.0.1:9000: address already in use."
    /// for TCP listeners and HTTP URLs alike; the port tells which listener it was.</summary>
    private static string DescribeAddressInUse(Exception exception, IServiceProvider? services)
    {
        var match = BoundAddress().Match(exception.Message);
        if (!match.Success || !Uri.TryCreate(match.Groups["address"].Value, UriKind.Absolute, out var address))
        {
            return $"{exception.Message} Another process (or another instance of this server) holds the address.";
        }

        var endpoint = $"{address.Host}:{address.Port}";
        var listener = FindListener(services, address.Port);
        return listener is null
            ? $"The HTTP address {address.GetLeftPart(UriPartial.Authority)} (urls / ASPNETCORE_URLS) is already in use: another process (or another instance of this server) listens on port {address.Port}. Stop it or choose another URL."
            : $"{KestrelTcpOptions.SectionName}:Listeners:{listener.Name} cannot listen on {endpoint}: the address is already in use by another process (or another instance of this server). Stop it or set {KestrelTcpOptions.SectionName}:Listeners:{listener.Name}:Port to a free port.";
    }

    private static Listener? FindListener(IServiceProvider? services, int port)
    {
        try
        {
            return services?.GetService<ListenerCatalog>()?.All.FirstOrDefault(l => l.Options.Port == port && port != 0);
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    [GeneratedRegex("address (?<address>[a-z]+://\\S+): address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex BoundAddress();
}
