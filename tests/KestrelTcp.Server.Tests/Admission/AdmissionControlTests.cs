using System.Net;
using KestrelTcp.Server.Admission;
using KestrelTcp.Server.Tests.Security;

namespace KestrelTcp.Server.Tests.Admission;

public sealed class AdmissionControlTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1");

    [Theory]
    [InlineData("10.0.0.0/8", "10.200.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.1.2.3/8", "10.9.9.9", true)]
    [InlineData("192.0.2.7", "192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    [InlineData("127.0.0.0/8", "::ffff:127.0.0.1", true)]
    [InlineData("::ffff:10.0.0.0/104", "10.3.3.3", true)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "fe80::1", false)]
    [InlineData("0.0.0.0/0", "::1", false)]
    [InlineData("::/0", "::1", true)]
    public void CidrRangesMatchIpv4AndIpv6AndMappedAddresses(string range, string address, bool expected)
    {
        Assert.True(CidrRange.TryParse(range, out var cidr));
        Assert.Equal(expected, cidr.Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("fd00::/129")]
    [InlineData("not-an-ip/8")]
    [InlineData("10.0.0.0/x")]
    [InlineData("::ffff:10.0.0.0/64")]
    public void MalformedCidrRangesAreRejected(string range) => Assert.False(CidrRange.TryParse(range, out _));

    [Fact]
    public void PerAddressLimitRefusesOverTheCapAndFreesOnRelease()
    {
        var control = new AdmissionControl(new ListenerAdmissionOptions { MaxConnectionsPerAddress = 2 }, new FakeTimeProvider());
        Assert.Equal(AdmissionRejection.None, control.TryAdmit(A, out var first));
        Assert.Equal(AdmissionRejection.None, control.TryAdmit(A, out _));
        Assert.Equal(AdmissionRejection.AddressLimit, control.TryAdmit(A, out _));
        Assert.Equal(AdmissionRejection.None, control.TryAdmit(IPAddress.Parse("192.0.2.2"), out _));

        control.Release(first, violation: false);

        Assert.Equal(AdmissionRejection.None, control.TryAdmit(A, out _));
        Assert.Equal(1, control.RejectedCount(AdmissionRejection.AddressLimit));
    }

    [Fact]
    public void RateRefusesBeyondTheLimitUntilTheNextSecond()
    {
        var time = new FakeTimeProvider();
        var control = new AdmissionControl(new ListenerAdmissionOptions { MaxNewConnectionsPerSecondPerAddress = 3 }, time);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(AdmissionRejection.None, control.TryAdmit(A, out var ticket));
            control.Release(ticket, violation: false);
        }

        Assert.Equal(AdmissionRejection.Rate, control.TryAdmit(A, out _));
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(AdmissionRejection.Rate, control.TryAdmit(A, out _));
        time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal(AdmissionRejection.None, control.TryAdmit(A, out _));
    }

    [Fact]
    public void RepeatedViolationsInTheWindowBanUntilTheDurationEnds()
    {
        var time = new FakeTimeProvider();
        var options = new ListenerAdmissionOptions { Ban = { Violations = 3, Window = TimeSpan.FromSeconds(10), Duration = TimeSpan.FromSeconds(30) } };
        var control = new AdmissionControl(options, time);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(AdmissionRejection.None, control.TryAdmit(A, out var ticket));
            control.Release(ticket, violation: true);
        }

        Assert.Equal(AdmissionRejection.Banned, control.TryAdmit(A, out _));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(AdmissionRejection.Banned, control.TryAdmit(A, out _));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(AdmissionRejection.None, control.TryAdmit(A, out _));
        Assert.Equal(2, control.RejectedCount(AdmissionRejection.Banned));
    }

    [Fact]
    public void ViolationsSpreadBeyondTheWindowDoNotBan()
    {
        var time = new FakeTimeProvider();
        var options = new ListenerAdmissionOptions { Ban = { Violations = 2, Window = TimeSpan.FromSeconds(10) } };
        var control = new AdmissionControl(options, time);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(AdmissionRejection.None, control.TryAdmit(A, out var ticket));
            control.Release(ticket, violation: true);
            time.Advance(TimeSpan.FromSeconds(11));
            Assert.Equal(AdmissionRejection.None, control.TryAdmit(A, out var clean));
            control.Release(clean, violation: false);
        }
    }

    [Fact]
    public void TheAddressTableStaysBoundedUnderManyAddresses()
    {
        var control = new AdmissionControl(new ListenerAdmissionOptions { MaxConnectionsPerAddress = 1, MaxTrackedAddresses = 100 }, new FakeTimeProvider());
        for (var i = 0; i < 5_000; i++)
        {
            var address = new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
            Assert.Equal(AdmissionRejection.None, control.TryAdmit(address, out var ticket));
            control.Release(ticket, violation: false);
        }

        Assert.Equal(100, control.TrackedAddresses);
    }

    [Fact]
    public void DenyIsCheckedBeforeAllowAndAllowRefusesTheRest()
    {
        var control = new AdmissionControl(new ListenerAdmissionOptions { Allow = ["10.0.0.0/8"], Deny = ["10.9.0.0/16"] }, new FakeTimeProvider());
        Assert.Equal(AdmissionRejection.None, control.TryAdmit(IPAddress.Parse("10.1.1.1"), out _));
        Assert.Equal(AdmissionRejection.Denied, control.TryAdmit(IPAddress.Parse("10.9.1.1"), out _));
        Assert.Equal(AdmissionRejection.Denied, control.TryAdmit(IPAddress.Parse("::ffff:11.1.1.1"), out _));
        Assert.Equal(2, control.RejectedCount(AdmissionRejection.Denied));
    }
}
