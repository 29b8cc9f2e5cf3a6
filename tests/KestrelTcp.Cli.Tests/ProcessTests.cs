using System.Diagnostics;
using KestrelTcp.Cli.Tests.Helpers;

namespace KestrelTcp.Cli.Tests;

/// <summary>The real executable (<c>dotnet ktcp.dll</c>): arguments, streams and exit codes as a shell sees them.</summary>
public sealed class ProcessTests : IClassFixture<CliServerFixture>
{
    private readonly CliServerFixture _fixture;

    public ProcessTests(CliServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task SendAsAProcessExitsZeroOnTheExpectedReplyAndOneWithoutIt()
    {
        var ok = await RunAsync("send", _fixture.Target("echo-line"), "hello from a script", "--expect", "script");
        var missed = await RunAsync("send", _fixture.Target(), "hello", "--expect", "never", "--timeout", "300");

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal("hello from a script", ok.Out.Trim());
        Assert.Equal(1, missed.ExitCode);
    }

    [Fact]
    public async Task BadArgumentsAsAProcessExitTwo()
    {
        var result = await RunAsync("send", "nowhere", "x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Expected HOST:PORT", result.Error, StringComparison.Ordinal);
    }

    private static async Task<CliResult> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ktcp.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult(process.ExitCode, await output, await error);
    }
}
