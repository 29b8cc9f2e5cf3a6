using KestrelTcp.Server.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Security;

public sealed class SecurityOptionsValidationTests
{
    private const string Root = SecurityOptions.SectionName;

    [Theory]
    [InlineData($"{Root}:Users:alice:PasswordHash", "hunter2")]
    [InlineData($"{Root}:Users:alice:Role", "Admin")]
    [InlineData($"{Root}:ApiKeys:ci:KeyHash", "not-a-hash")]
    [InlineData($"{Root}:AllowedOrigins:0", "https://ops.example.com/dashboard")]
    [InlineData($"{Root}:AllowedOrigins:0", "ftp://ops.example.com")]
    [InlineData($"{Root}:LoginExpiry", "09:00:00")]
    [InlineData($"{Root}:LoginExpiry", "00:00:00")]
    [InlineData($"{Root}:Lockout:MaxFailures", "0")]
    [InlineData($"{Root}:Lockout:Duration", "-00:01:00")]
    [InlineData($"{Root}:Lockout:MaxFailuresPerAddress", "0")]
    [InlineData($"{Root}:Lockout:MaxConcurrentVerifications", "0")]
    [InlineData($"{Root}:Lockout:VerificationWait", "00:01:00")]
    [InlineData($"{Root}:AuditPath", " ")]
    public async Task InvalidSecuritySettingsStopTheServerNamingTheKey(string key, string value)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.Contains(":Users:alice:", StringComparison.Ordinal))
        {
            settings.TryAdd($"{Root}:Users:alice:PasswordHash", PasswordHasher.Hash("alice's password", PasswordHasher.MinIterations));
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings)).Within();

        var message = error is OptionsValidationException validation ? string.Join(" ", validation.Failures) : error.ToString();
        Assert.Contains(key, message);
    }

    [Fact]
    public async Task AUserWithoutAPasswordHashIsRefused()
    {
        var settings = new Dictionary<string, string?> { [$"{Root}:Users:bob:Role"] = "Operator" };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings)).Within();

        Assert.Contains($"{Root}:Users:bob:PasswordHash", error is OptionsValidationException v ? string.Join(" ", v.Failures) : error.ToString());
    }
}
