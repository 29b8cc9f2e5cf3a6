using KestrelTcp.Server.Security;

namespace KestrelTcp.Server.Tests.Security;

public sealed class PasswordHasherTests
{
    [Fact]
    public void AHashVerifiesItsPasswordAndNoOther()
    {
        var hash = PasswordHasher.Hash("correct horse battery staple", PasswordHasher.MinIterations);

        Assert.True(PasswordHasher.Verify("correct horse battery staple", hash));
        Assert.False(PasswordHasher.Verify("correct horse battery stapler", hash));
        Assert.False(PasswordHasher.Verify(string.Empty, hash));
    }

    [Fact]
    public void HashesDescribeThemselvesAndUseAFreshSaltEachTime()
    {
        var first = PasswordHasher.Hash("same", PasswordHasher.MinIterations);
        var second = PasswordHasher.Hash("same", PasswordHasher.MinIterations);
        var parts = first.Split('.');

        Assert.Equal(["pbkdf2-sha256", "100000"], parts[..2]);
        Assert.NotEqual(first, second);
        Assert.True(PasswordHasher.Verify("same", second));
        Assert.DoesNotContain('$', first);
        Assert.DoesNotContain('+', first);
        Assert.DoesNotContain('/', first);
    }

    [Fact]
    public void NewHashesUseTheDefaultIterations()
    {
        var hash = PasswordHasher.Hash("x");

        Assert.StartsWith($"pbkdf2-sha256.{PasswordHasher.DefaultIterations}.", hash);
        Assert.True(PasswordHasher.DefaultIterations >= 100_000);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("pbkdf2-sha256.1000.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("pbkdf2-sha256.100000.!!!.AAAA")]
    [InlineData("pbkdf2-sha256.100000.AAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("md5.100000.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void MalformedOrWeakHashesAreRefusedAndNeverMatch(string? hash)
    {
        Assert.False(PasswordHasher.IsWellFormed(hash, out var error));
        Assert.NotEmpty(error);
        Assert.False(PasswordHasher.Verify("anything", hash));
    }
}
