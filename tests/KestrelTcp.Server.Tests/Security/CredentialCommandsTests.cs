using KestrelTcp.Server.Security;

namespace KestrelTcp.Server.Tests.Security;

public sealed class CredentialCommandsTests
{
    [Fact]
    public void HashPasswordReadsAPipedPasswordAndPrintsOnlyItsHash()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = CredentialCommands.Run(["hash-password"], new StringReader("s3cret-Passw0rd!\n"), interactive: false, output, error);

        Assert.Equal(0, exit);
        var hash = output.ToString().Trim();
        Assert.DoesNotContain('\n', hash);
        Assert.True(PasswordHasher.Verify("s3cret-Passw0rd!", hash));
        Assert.DoesNotContain("s3cret", output.ToString() + error.ToString());
        Assert.Contains("PasswordHash", error.ToString());
    }

    [Fact]
    public void HashPasswordRefusesAnEmptyPassword()
    {
        var output = new StringWriter();

        var exit = CredentialCommands.Run(["hash-password"], new StringReader(string.Empty), interactive: false, output, new StringWriter());

        Assert.NotEqual(0, exit);
        Assert.Equal(string.Empty, output.ToString());
    }

    [Fact]
    public void HashPasswordWarnsAboutAShortPassword()
    {
        var error = new StringWriter();

        var exit = CredentialCommands.Run(["hash-password"], new StringReader("short"), interactive: false, new StringWriter(), error);

        Assert.Equal(0, exit);
        Assert.Contains("shorter than 12", error.ToString());
    }

    [Fact]
    public void GenerateApiKeyPrintsAKeyAndAHashThatMatch()
    {
        var output = new StringWriter();

        var exit = CredentialCommands.Run(["generate-api-key"], TextReader.Null, interactive: false, output, new StringWriter());

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var key = lines.Single(l => l.StartsWith("Key:", StringComparison.Ordinal))["Key:".Length..].Trim();
        var hash = lines.Single(l => l.StartsWith("KeyHash:", StringComparison.Ordinal))["KeyHash:".Length..].Trim();
        Assert.StartsWith("ktcp_", key);
        Assert.True(key.Length >= 40);
        Assert.True(PasswordHasher.IsWellFormed(hash, out _));
        Assert.True(PasswordHasher.Verify(key, hash));
    }

    [Fact]
    public void OtherArgumentsAreLeftToTheServer()
    {
        Assert.False(CredentialCommands.TryRun(["--urls", "http://localhost:5000"], out _));
        Assert.False(CredentialCommands.TryRun([], out _));
    }
}
