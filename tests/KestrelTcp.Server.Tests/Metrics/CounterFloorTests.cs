using KestrelTcp.Server.Metrics;

namespace KestrelTcp.Server.Tests.Metrics;

public sealed class CounterFloorTests
{
    [Fact]
    public void AReadBehindThePreviousOneIsReportedAsThePreviousValue()
    {
        var floor = new CounterFloor();

        Assert.Equal(10, floor.Rise(10));
        Assert.Equal(10, floor.Rise(9));
        Assert.Equal(12, floor.Rise(12));
        Assert.Equal(12, floor.Rise(0));
    }

    [Fact]
    public void ConcurrentReadsNeverMakeTheFigureGoDown()
    {
        var floor = new CounterFloor();
        var reported = new long[4][];
        Parallel.For(0, reported.Length, thread =>
        {
            var values = new long[10_000];
            for (var i = 0; i < values.Length; i++)
            {
                // Each thread reads a figure that mostly grows and sometimes dips by a few.
                values[i] = floor.Rise(i - (i % 7 == 0 ? 5 : 0));
            }

            reported[thread] = values;
        });

        foreach (var values in reported)
        {
            for (var i = 1; i < values.Length; i++)
            {
                Assert.True(values[i] >= values[i - 1], $"went from {values[i - 1]} to {values[i]}");
            }
        }

        Assert.Equal(9_999, floor.Rise(0));
    }
}
