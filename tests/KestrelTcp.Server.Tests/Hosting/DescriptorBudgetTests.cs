using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Hosting;

public sealed class DescriptorBudgetTests
{
    [Fact]
    public void SessionsGetTheLimitLessWhatWasOpenTheReserveAndTheHttpShare()
    {
        var budget = new DescriptorBudget(limit: 1000, openAtStart: 300);
        Assert.Equal(DescriptorBudget.MinDerivedHttpConnections, budget.MaxHttpConnections);
        Assert.Equal(1000 - 300 - DescriptorBudget.Reserve - budget.MaxHttpConnections, budget.MaxSessions);

        for (var i = 0; i < budget.MaxSessions; i++)
        {
            Assert.True(budget.TryAcquire());
        }

        Assert.False(budget.TryAcquire());
        Assert.False(budget.TryAcquire());
        budget.Release();
        Assert.True(budget.TryAcquire());
        Assert.False(budget.TryAcquire());
    }

    [Fact]
    public void TheHttpShareIsATenthOfWhatIsLeftWithinItsBoundsUnlessConfigured()
    {
        Assert.Equal(2_000, new DescriptorBudget(limit: 300 + DescriptorBudget.Reserve + 20_000, openAtStart: 300).MaxHttpConnections);
        Assert.Equal(DescriptorBudget.MaxDerivedHttpConnections, new DescriptorBudget(limit: 1_000_000, openAtStart: 300).MaxHttpConnections);
        var configured = new DescriptorBudget(limit: 1000, openAtStart: 300, new HttpLimitsOptions { MaxConnections = 100, AnonymousSharePercent = 10 });
        Assert.Equal(100, configured.MaxHttpConnections);
        Assert.Equal(10, configured.MaxAnonymousHttpConnections);
        Assert.Equal(1000 - 300 - DescriptorBudget.Reserve - 100, configured.MaxSessions);
    }

    [Fact]
    public void TheAcceptGatesHoldEachShareAndTheHeadroomInsideTheLimit()
    {
        var budget = new DescriptorBudget(limit: 1000, openAtStart: 300);
        Assert.Equal(budget.MaxSessions + DescriptorBudget.AcceptHeadroom, budget.SessionAccepts!.CurrentCount);
        Assert.Equal(budget.MaxHttpConnections + DescriptorBudget.AcceptHeadroom, budget.HttpAccepts!.CurrentCount);
        Assert.True(300 + budget.SessionAccepts.CurrentCount + budget.HttpAccepts.CurrentCount <= 1000 - (DescriptorBudget.Reserve - (2 * DescriptorBudget.AcceptHeadroom)));
    }

    [Fact]
    public void NoLimitMeansNoBudgetAndATinyLimitMeansNoSessions()
    {
        var unlimited = new DescriptorBudget(limit: 0, openAtStart: 300);
        Assert.Equal(int.MaxValue, unlimited.MaxSessions);
        Assert.Equal(HttpLimitsOptions.DefaultMaxConnectionsWithoutLimit, unlimited.MaxHttpConnections);
        Assert.Null(unlimited.SessionAccepts);
        var tiny = new DescriptorBudget(limit: 400, openAtStart: 300);
        Assert.Equal(0, tiny.MaxSessions);
        Assert.False(tiny.TryAcquire());
        Assert.Equal(2, tiny.MaxHttpConnections);
        Assert.Equal(1, tiny.MaxAnonymousHttpConnections);
    }

    [Fact]
    public void WarnsAtMostOnceInAWhileWithTheRefusalsSinceTheLastWarning()
    {
        var budget = new DescriptorBudget(limit: 300 + DescriptorBudget.Reserve + 11, openAtStart: 300, new HttpLimitsOptions { MaxConnections = 10 });
        Assert.True(budget.TryAcquire());
        Assert.False(budget.TryAcquire());
        Assert.False(budget.TryAcquire());

        Assert.True(budget.TakeWarning(out var refused));
        Assert.Equal(2, refused);
        Assert.False(budget.TryAcquire());
        Assert.False(budget.TakeWarning(out _));
    }

    [Fact]
    public void ThisProcessHasALimitAndABudgetBelowIt()
    {
        // The test host runs on Linux with a descriptor limit (20,000 on these machines).
        var budget = new DescriptorBudget(Options.Create(new HttpLimitsOptions()));
        Assert.True(budget.Limit > 0);
        Assert.True(budget.OpenAtStart > 0);
        Assert.InRange(budget.MaxSessions, 0, budget.Limit - budget.OpenAtStart - DescriptorBudget.Reserve - budget.MaxHttpConnections);
    }

    [Fact]
    public void AnExplicitHttpLimitMustFitInTheDescriptorsLeft()
    {
        var validator = new HttpLimitsOptionsValidator(() => (1000, 300));
        Assert.True(validator.Validate(null, new HttpLimitsOptions { MaxConnections = 444 }).Succeeded);
        var tooMany = validator.Validate(null, new HttpLimitsOptions { MaxConnections = 445 });
        Assert.Contains("KestrelTcp:Http:MaxConnections is 445", tooMany.FailureMessage, StringComparison.Ordinal);
        var bad = validator.Validate(null, new HttpLimitsOptions { MaxConnections = 1, AnonymousSharePercent = 0, AnonymousIdleTimeout = TimeSpan.Zero });
        Assert.Contains("KestrelTcp:Http:MaxConnections must be at least 2", bad.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("KestrelTcp:Http:AnonymousSharePercent must be between 1 and 90", bad.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("KestrelTcp:Http:AnonymousIdleTimeout must be more than 0", bad.FailureMessage, StringComparison.Ordinal);
    }
}
