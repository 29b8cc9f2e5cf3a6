using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Tests.Admission;

public sealed class AdmissionOptionsTests
{
    [Theory]
    [InlineData("MaxConnectionsPerAddress", -1, "KestrelTcp:Listeners:edge:Admission:MaxConnectionsPerAddress must be")]
    [InlineData("MaxNewConnectionsPerSecondPerAddress", -1, "KestrelTcp:Listeners:edge:Admission:MaxNewConnectionsPerSecondPerAddress must be")]
    [InlineData("MaxTrackedAddresses", 5, "KestrelTcp:Listeners:edge:Admission:MaxTrackedAddresses must be")]
    public void BadNumbersNameTheFullKey(string key, int value, string expected)
    {
        var listener = new ListenerOptions();
        typeof(KestrelTcp.Server.Admission.ListenerAdmissionOptions).GetProperty(key)!.SetValue(listener.Admission, value);
        Assert.Contains(Validate(listener), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void BadCidrRangesNameTheKeyAndIndex()
    {
        var listener = new ListenerOptions();
        listener.Admission.Deny = ["10.0.0.0/8", "10.0.0.0/40"];
        listener.Admission.Allow = ["nope"];
        var errors = Validate(listener);
        Assert.Contains(errors, e => e.StartsWith("KestrelTcp:Listeners:edge:Admission:Deny:1 must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("KestrelTcp:Listeners:edge:Admission:Allow:0 must be", StringComparison.Ordinal));
    }

    [Fact]
    public void ABanWithoutADurationIsRejected()
    {
        var listener = new ListenerOptions();
        listener.Admission.Ban.Violations = 3;
        listener.Admission.Ban.Duration = TimeSpan.Zero;
        Assert.Contains(Validate(listener), e => e.StartsWith("KestrelTcp:Listeners:edge:Admission:Ban:Window must be", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Validate(ListenerOptions listener)
    {
        var options = new KestrelTcpOptions();
        options.Listeners["edge"] = listener;
        var result = new KestrelTcpOptionsValidator().Validate(null, options);
        return result.Failures ?? [];
    }
}
