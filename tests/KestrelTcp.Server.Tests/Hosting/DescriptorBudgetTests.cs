using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Tests.Hosting;

public sealed class DescriptorBudgetTests
{
    [Fact]
    public void SessionsGetTheLimitLessWhatWasOpenAndTheReserve()
    {
        var budget = new DescriptorBudget(limit: 1000, openAtStart: 300);
        Assert.Equal(1000 - 300 - DescriptorBudget.Reserve, budget.MaxSessions);

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
    public void NoLimitMeansNoBudgetAndATinyLimitMeansNoSessions()
    {
        Assert.Equal(int.MaxValue, new DescriptorBudget(limit: 0, openAtStart: 300).MaxSessions);
        var tiny = new DescriptorBudget(limit: 400, openAtStart: 300);
        Assert.Equal(0, tiny.MaxSessions);
        Assert.False(tiny.TryAcquire());
    }

    [Fact]
    public void WarnsAtMostOnceInAWhileWithTheRefusalsSinceTheLastWarning()
    {
        var budget = new DescriptorBudget(limit: 300 + DescriptorBudget.Reserve + 1, openAtStart: 300);
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
        var budget = new DescriptorBudget();
        Assert.True(budget.Limit > 0);
        Assert.True(budget.OpenAtStart > 0);
        Assert.InRange(budget.MaxSessions, 0, budget.Limit - budget.OpenAtStart - DescriptorBudget.Reserve);
    }
}
