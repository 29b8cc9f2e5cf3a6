using BenchmarkDotNet.Attributes;
using KestrelTcp.Server.Automation.Rules;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Benchmarks;

/// <summary>
/// Auto-reply rule matching on the read loop when no rule matches (the common case: telemetry past a
/// heartbeat rule). Each operation is one 64-byte frame tried against every rule of the listener's
/// compiled set; it must allocate nothing. <see cref="NoRules"/> is the listener without rules (one null
/// check), the baseline.
/// </summary>
[MemoryDiagnoser]
public class RuleMatchBenchmarks
{
    private const int FramesPerInvoke = 1000;
    private byte[] _frame = null!;
    private CompiledRuleSet _rules = null!;
    private Listener _listener = null!;

    /// <summary>Which kind of rules the listener has.</summary>
    public enum RuleKinds
    {
        /// <summary>Equals, Prefix and Contains rules, in turn.</summary>
        Literal,

        /// <summary>Hex patterns with wildcards.</summary>
        Hex,
    }

    [Params(RuleKinds.Literal, RuleKinds.Hex)]
    public RuleKinds Kinds { get; set; }

    [Params(1, 10)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _frame = new byte[64];
        for (var i = 0; i < _frame.Length; i++)
        {
            _frame[i] = (byte)('a' + (i % 26));
        }

        _listener = new Listener("default", new KestrelTcp.Server.Hosting.ListenerOptions());
        var options = new RulesOptions();
        var compiled = new List<CompiledRule>();
        for (var i = 0; i < Rules; i++)
        {
            var (kind, pattern) = Kinds == RuleKinds.Hex
                ? (RuleMatchKind.Hex, $"61 62 ?? {i:X2} *")
                : ((RuleMatchKind)(i % 3), $"PING {i}");
            var definition = new RuleDefinition(i + 1, "default", $"rule {i}", i, true, kind, pattern, RuleReplyKind.Text, "PONG", true);
            if (RuleCompiler.TryCompile(definition, options, new RuleCounters(), out var rule) is { } error)
            {
                throw new InvalidOperationException(error.ToString());
            }

            compiled.Add(rule!);
        }

        _rules = new CompiledRuleSet([.. compiled], options.MaxReplyBytes, observer: null);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FramesPerInvoke)]
    public int NoRules()
    {
        var matched = 0;
        for (var i = 0; i < FramesPerInvoke; i++)
        {
            if (_listener.Responder?.Respond(null!, _frame) is FrameResponse.Matched)
            {
                matched++;
            }
        }

        return matched;
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public int NoRuleMatches()
    {
        var matched = 0;
        for (var i = 0; i < FramesPerInvoke; i++)
        {
            // No rule matches, so the session is never touched.
            if (_rules.Respond(null!, _frame) != FrameResponse.None)
            {
                matched++;
            }
        }

        return matched;
    }
}
