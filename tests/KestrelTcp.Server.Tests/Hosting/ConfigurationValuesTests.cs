using System.Net;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Hosting;

/// <summary>The type check that runs before the configuration binder, the binding that leaves bad
/// values out, and what <c>Program</c> prints for a failed start.</summary>
public sealed class ConfigurationValuesTests
{
    [Theory]
    [InlineData("Listeners:default:Framing:Kind", "Bogus", "KestrelTcp:Listeners:default:Framing:Kind must be one of Raw, Line, Delimiter, LengthPrefixed, Fixed (was 'Bogus').")]
    [InlineData("Listeners:default:Framing:Kind", "9", "KestrelTcp:Listeners:default:Framing:Kind must be one of Raw, Line, Delimiter, LengthPrefixed, Fixed (was '9').")]
    [InlineData("Listeners:default:Framing:Endianness", "Middle", "KestrelTcp:Listeners:default:Framing:Endianness must be one of BigEndian, LittleEndian (was 'Middle').")]
    [InlineData("Listeners:default:Framing:MaxFrameBytes", "lots", "KestrelTcp:Listeners:default:Framing:MaxFrameBytes must be a whole number (was 'lots').")]
    [InlineData("Listeners:default:Port", "99999999999", "KestrelTcp:Listeners:default:Port must be a whole number from 0 to 65535 (was '99999999999').")]
    [InlineData("Listeners:default:Port", "", "KestrelTcp:Listeners:default:Port must be a whole number from 0 to 65535 (was '').")]
    [InlineData("Listeners:default:Tls:ClientCertificateMode", "Sometimes", "KestrelTcp:Listeners:default:Tls:ClientCertificateMode must be one of None, Allow, Require (was 'Sometimes').")]
    [InlineData("History:Frames", "many", "KestrelTcp:History:Frames must be a whole number (was 'many').")]
    [InlineData("DrainTimeout", "20s", "KestrelTcp:DrainTimeout must be a duration as [d.]hh:mm:ss[.fff], for example 00:00:30 for 30 seconds or 1.00:00:00 for a day (was '20s').")]
    public void AValueOfTheWrongTypeIsNamedWithTheAllowedValues(string key, string value, string expected)
    {
        var section = Section(new() { [key] = value });

        var error = Assert.Single(ConfigurationValues.Check(section, typeof(KestrelTcpOptions)));

        Assert.Equal($"KestrelTcp:{key}", error.Path);
        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("Listeners:default:Mode", "echo")]
    [InlineData("Listeners:default:Mode", "2")]
    [InlineData("Listeners:default:Framing:MaxFrameBytes", "")]
    [InlineData("Listeners:default:Port", "9100")]
    [InlineData("Listeners:default:KeepAlive", "False")]
    [InlineData("Listeners:default:IdleTimeout", "1.02:03:04")]
    [InlineData("DataPath", "/data")]
    [InlineData("Security:Lockout:MaxFailures", "x")]
    [InlineData("Listeners:default:Nonsense", "x")]
    public void ValuesTheBinderAcceptsOrIgnoresPass(string key, string value)
    {
        var section = Section(new() { [key] = value });

        Assert.Empty(ConfigurationValues.Check(section, typeof(KestrelTcpOptions)));
    }

    [Fact]
    public void ValuesInsideDictionariesOfOtherSectionsAreChecked()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{SecurityOptions.SectionName}:Users:alice:Role"] = "Admin",
            [$"{SecurityOptions.SectionName}:Lockout:Window"] = "five minutes",
            [$"{SecurityOptions.SectionName}:AllowedOrigins:0"] = "https://ops.example.com",
        }).Build();

        var errors = ConfigurationValues.Check(configuration.GetSection(SecurityOptions.SectionName), typeof(SecurityOptions));

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Message == "KestrelTcp:Security:Users:alice:Role must be one of Viewer, Operator (was 'Admin').");
        Assert.Contains(errors, e => e.Message.StartsWith("KestrelTcp:Security:Lockout:Window must be a duration", StringComparison.Ordinal));
    }

    [Fact]
    public void BindingLeavesBadValuesOutAndKeepsTheRestOfTheEntry()
    {
        var section = Section(new()
        {
            ["Listeners:default:Framing:Kind"] = "Bogus",
            ["Listeners:default:Port"] = "9100",
            ["Listeners:default:Mode"] = "Echo",
            ["Listeners:default:IdleTimeout"] = "soon",
        });
        var options = new KestrelTcpOptions();

        CheckedConfigurationBinding.Bind(section, options);

        var listener = Assert.Single(options.Listeners).Value;
        Assert.Equal(9100, listener.Port);
        Assert.Equal(ListenerMode.Echo, listener.Mode);
        Assert.Equal(FramingKind.Line, listener.Framing.Kind);
        Assert.Equal(TimeSpan.FromMinutes(5), listener.IdleTimeout);
    }

    [Fact]
    public void AListenerWhoseEveryValueIsBadIsStillBound()
    {
        var section = Section(new() { ["Listeners:devices:Mode"] = "Shout" });
        var options = new KestrelTcpOptions();

        CheckedConfigurationBinding.Bind(section, options);

        Assert.Equal(ListenerMode.Monitor, Assert.Single(options.Listeners, l => l.Key == "devices").Value.Mode);
    }

    [Fact]
    public void ValidationReportsEveryBadValueAndNotAMissingListener()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KestrelTcp:DataPath"] = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N")),
            ["KestrelTcp:Listeners:default:Framing:Kind"] = "Bogus",
            ["KestrelTcp:Listeners:default:Port"] = "abc",
            ["KestrelTcp:DrainTimeout"] = "soon",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IValidateOptions<KestrelTcpOptions>, KestrelTcpOptionsValidator>();
        services.AddOptions<KestrelTcpOptions>().BindConfigurationChecked(KestrelTcpOptions.SectionName);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KestrelTcpOptions>>().Value);

        Assert.True(error.Failures.Count() == 3, string.Join("\n", error.Failures));
        Assert.Contains(error.Failures, f => f.StartsWith("KestrelTcp:Listeners:default:Framing:Kind must be one of", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("KestrelTcp:Listeners:default:Port must be a whole number", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("KestrelTcp:DrainTimeout must be a duration", StringComparison.Ordinal));
    }

    [Fact]
    public void ADataPathThatCannotBeWrittenIsNamed()
    {
        var file = Path.GetTempFileName();
        try
        {
            var options = new KestrelTcpOptions { DataPath = Path.Combine(file, "data") };
            options.Listeners["default"] = new ListenerOptions { Port = 0 };

            var result = new KestrelTcpOptionsValidator().Validate(null, options);

            Assert.True(result.Failed);
            Assert.StartsWith("KestrelTcp:DataPath: the folder", Assert.Single(result.Failures!));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ADataPathIsCreatedWhenItCanBe()
    {
        var folder = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"), "data");
        try
        {
            Assert.Null(KestrelTcpOptionsValidator.CheckDataPath(folder));
            Assert.True(Directory.Exists(folder));
            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    [Fact]
    public void AStartThatFailedValidationInSeveralSectionsListsEveryProblem()
    {
        var exception = new AggregateException(
            new OptionsValidationException(Options.DefaultName, typeof(KestrelTcpOptions), ["KestrelTcp:A is bad.", "KestrelTcp:B is bad."]),
            new OptionsValidationException(Options.DefaultName, typeof(SecurityOptions), ["KestrelTcp:Security:C is bad."]));

        Assert.True(StartupFailure.TryDescribe(exception, null, out var failure));

        Assert.Equal(ServerExitCodes.InvalidConfiguration, failure.ExitCode);
        Assert.Equal(["KestrelTcp:A is bad.", "KestrelTcp:B is bad.", "KestrelTcp:Security:C is bad."], failure.Problems);
        using var writer = new StringWriter();
        failure.WriteTo(writer);
        Assert.Equal("error: KestrelTcp:A is bad.\nerror: KestrelTcp:B is bad.\nerror: KestrelTcp:Security:C is bad.\n", writer.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void AnAddressInUseIsACodeOfItsOwn()
    {
        var exception = new IOException("Failed to bind to address http://127.0.0.1:5000: address already in use.", new AddressInUseException("Address already in use"));

        Assert.True(StartupFailure.TryDescribe(exception, null, out var failure));

        Assert.Equal(ServerExitCodes.CannotListen, failure.ExitCode);
        Assert.StartsWith("The HTTP address http://127.0.0.1:5000 (urls / ASPNETCORE_URLS) is already in use", Assert.Single(failure.Problems));
    }

    [Fact]
    public void AnExceptionThatIsNotAboutConfigurationKeepsItsStackTrace()
    {
        Assert.False(StartupFailure.TryDescribe(new NullReferenceException(), null, out _));
        Assert.False(StartupFailure.TryDescribe(new IOException("Disk on fire."), null, out _));
        Assert.False(StartupFailure.TryDescribe(new AggregateException(new OptionsValidationException("x", typeof(KestrelTcpOptions), ["x"]), new InvalidCastException()), null, out _));
        Assert.False(StartupFailure.TryDescribe(new WebException("no"), null, out _));
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.ToDictionary(pair => $"{KestrelTcpOptions.SectionName}:{pair.Key}", pair => pair.Value))
            .Build()
            .GetSection(KestrelTcpOptions.SectionName);
}
