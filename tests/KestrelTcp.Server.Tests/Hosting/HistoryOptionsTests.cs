using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Tests.Hosting;

public sealed class HistoryOptionsTests
{
    [Fact]
    public void TheDefaultsAreValid()
    {
        Assert.Empty(Validate(new HistoryOptions()));
        Assert.True(new DashboardOptionsValidator().Validate(null, new DashboardOptions()).Succeeded);
    }

    [Theory]
    [InlineData(0, 1024L * 1024)]
    [InlineData(256, 256L)]
    [InlineData(64 * 1024 * 1024, 1L << 40)]
    public void AcceptsHistoryOffAndEveryBoundInRange(int perSession, long total) =>
        Assert.Empty(Validate(new HistoryOptions { MaxBytesPerSession = perSession, MaxTotalBytes = total }));

    [Theory]
    [InlineData(-1, 1024L * 1024, "KestrelTcp:History:MaxBytesPerSession must be 0 (history off) or between 256 and 67108864 (was -1).")]
    [InlineData(100, 1024L * 1024, "KestrelTcp:History:MaxBytesPerSession must be 0 (history off) or between 256 and 67108864 (was 100).")]
    [InlineData(64 * 1024 * 1024 + 1, 1L << 40, "KestrelTcp:History:MaxBytesPerSession must be 0 (history off) or between 256 and 67108864 (was 67108865).")]
    [InlineData(16384, 16383L, "KestrelTcp:History:MaxTotalBytes must be at least KestrelTcp:History:MaxBytesPerSession (16384) and at most 1099511627776 (was 16383).")]
    [InlineData(0, -1L, "KestrelTcp:History:MaxTotalBytes must be at least KestrelTcp:History:MaxBytesPerSession (0) and at most 1099511627776 (was -1).")]
    [InlineData(16384, (1L << 40) + 1, "KestrelTcp:History:MaxTotalBytes must be at least KestrelTcp:History:MaxBytesPerSession (16384) and at most 1099511627776 (was 1099511627777).")]
    public void RefusesBoundsOutOfRangeNamingTheKey(int perSession, long total, string expected) =>
        Assert.Contains(expected, Validate(new HistoryOptions { MaxBytesPerSession = perSession, MaxTotalBytes = total }));

    [Theory]
    [InlineData(1023)]
    [InlineData(64 * 1024 * 1024 + 1)]
    public void RefusesAWatchRingSizeOutOfRangeNamingTheKey(int bytes)
    {
        var result = new DashboardOptionsValidator().Validate(null, new DashboardOptions { TrafficBufferBytes = bytes });

        Assert.Contains($"KestrelTcp:Dashboard:TrafficBufferBytes must be between 1024 and 67108864 (was {bytes}).", result.Failures ?? []);
    }

    private static IEnumerable<string> Validate(HistoryOptions history)
    {
        var options = new KestrelTcpOptions { History = history };
        options.Listeners["default"] = new ListenerOptions();
        return new KestrelTcpOptionsValidator().Validate(null, options).Failures ?? [];
    }
}
