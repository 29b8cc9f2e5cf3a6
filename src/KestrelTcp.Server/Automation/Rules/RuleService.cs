using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Rules;

/// <summary>
/// The auto-reply rules: kept in <c>rules.db</c>, loaded at start, edited through the API. Every change is
/// written to the store first, then the listener's rule set is compiled again and swapped in
/// (<see cref="Listener.SetResponder"/>): null when the listener has no enabled rule.
/// </summary>
internal sealed class RuleService : IHostedService, IDisposable
{
    private readonly Lock _gate = new();
    private readonly ListenerCatalog _listeners;
    private readonly RulesOptions _options;
    private readonly IRuleHitObserver? _observer;
    private readonly string _path;
    private readonly Dictionary<long, RuleDefinition> _rules = [];
    private readonly Dictionary<long, RuleCounters> _counters = [];
    private RuleStore? _store;

    public RuleService(ListenerCatalog listeners, IOptions<RulesOptions> options, IOptions<KestrelTcpOptions> server, IRuleHitObserver? observer = null)
    {
        _listeners = listeners;
        _options = options.Value;
        _observer = observer;
        _path = Path.GetFullPath(Path.Combine(server.Value.DataPath, "rules.db"));
    }

    public RulesOptions Options => _options;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _store = new RuleStore(_path);
            foreach (var rule in _store.LoadAll())
            {
                _rules[rule.Id] = rule;
                _counters[rule.Id] = new RuleCounters();
            }

            foreach (var listener in _listeners.All)
            {
                Rebuild(listener.Name);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The rules (of one listener, or all), in listener and match order.</summary>
    public List<RuleSnapshot> List(string? listener = null)
    {
        lock (_gate)
        {
            return [.. _rules.Values
                .Where(r => listener is null || string.Equals(r.Listener, listener, StringComparison.Ordinal))
                .OrderBy(r => r.Listener, StringComparer.Ordinal).ThenBy(r => r.Order).ThenBy(r => r.Id)
                .Select(Snapshot)];
        }
    }

    public RuleSnapshot? Get(long id)
    {
        lock (_gate)
        {
            return _rules.TryGetValue(id, out var rule) ? Snapshot(rule) : null;
        }
    }

    /// <summary>What <see cref="Create"/> or <see cref="Update"/> would refuse <paramref name="rule"/> for
    /// (<paramref name="existingId"/> null for a new rule), without changing anything: the API audits a
    /// change before it takes effect.</summary>
    public RuleError? Validate(RuleDefinition rule, long? existingId)
    {
        lock (_gate)
        {
            return Check(rule, existingId is { } id ? _rules.GetValueOrDefault(id) : null);
        }
    }

    /// <summary>Adds a rule; without <paramref name="orderGiven"/> it goes last in its listener.</summary>
    public RuleError? Create(RuleDefinition rule, bool orderGiven, out RuleSnapshot? created)
    {
        created = null;
        lock (_gate)
        {
            if (Check(rule, null) is { } error)
            {
                return error;
            }

            if (!orderGiven)
            {
                var orders = _rules.Values.Where(r => r.Listener == rule.Listener).Select(r => r.Order).ToList();
                rule = rule with { Order = orders.Count == 0 ? 0 : orders.Max() + 1 };
            }

            rule = _store!.Insert(rule);
            _rules[rule.Id] = rule;
            _counters[rule.Id] = new RuleCounters();
            Rebuild(rule.Listener);
            created = Snapshot(rule);
            return null;
        }
    }

    /// <summary>Replaces a rule (its counters are kept). Returns null and sets <paramref name="found"/> to false when there is no such rule.</summary>
    public RuleError? Update(RuleDefinition rule, out bool found, out RuleSnapshot? updated)
    {
        updated = null;
        lock (_gate)
        {
            found = _rules.TryGetValue(rule.Id, out var old);
            if (!found)
            {
                return null;
            }

            if (Check(rule, old) is { } error)
            {
                return error;
            }

            _store!.Update(rule);
            _rules[rule.Id] = rule;
            Rebuild(rule.Listener);
            if (old!.Listener != rule.Listener)
            {
                Rebuild(old.Listener);
            }

            updated = Snapshot(rule);
            return null;
        }
    }

    public RuleSnapshot? SetEnabled(long id, bool enabled)
    {
        lock (_gate)
        {
            if (!_rules.TryGetValue(id, out var rule))
            {
                return null;
            }

            rule = rule with { Enabled = enabled };
            _store!.Update(rule);
            _rules[id] = rule;
            Rebuild(rule.Listener);
            return Snapshot(rule);
        }
    }

    public bool Delete(long id)
    {
        lock (_gate)
        {
            if (!_rules.Remove(id, out var rule))
            {
                return false;
            }

            _counters.Remove(id);
            _store!.Delete(id);
            Rebuild(rule.Listener);
            return true;
        }
    }

    /// <summary>Gives <paramref name="listener"/>'s rules the order of <paramref name="ids"/> (which must name each of them once).</summary>
    public RuleError? Reorder(string listener, IReadOnlyList<long> ids)
    {
        lock (_gate)
        {
            if (_listeners.Find(listener) is null)
            {
                return new RuleError("listener", $"'{listener}' is not a configured listener.");
            }

            var current = _rules.Values.Where(r => r.Listener == listener).Select(r => r.Id).ToHashSet();
            if (ids.Count != current.Count || ids.Distinct().Count() != ids.Count || !ids.All(current.Contains))
            {
                return new RuleError("ids", $"must list each of the {current.Count} rules of '{listener}' exactly once.");
            }

            var reordered = ids.Select((id, index) => _rules[id] with { Order = index }).ToList();
            _store!.UpdateOrders(reordered);
            foreach (var rule in reordered)
            {
                _rules[rule.Id] = rule;
            }

            Rebuild(listener);
            return null;
        }
    }

    public void Dispose() => _store?.Dispose();

    private RuleError? Check(RuleDefinition rule, RuleDefinition? old)
    {
        if (_listeners.Find(rule.Listener) is null)
        {
            return new RuleError("listener", $"'{rule.Listener}' is not a configured listener.");
        }

        if (old is null && _rules.Count >= _options.MaxRules)
        {
            return new RuleError("listener", $"the server already has {_options.MaxRules} rules (KestrelTcp:Rules:MaxRules).");
        }

        if ((old is null || old.Listener != rule.Listener) && _rules.Values.Count(r => r.Listener == rule.Listener) >= _options.MaxRulesPerListener)
        {
            return new RuleError("listener", $"'{rule.Listener}' already has {_options.MaxRulesPerListener} rules (KestrelTcp:Rules:MaxRulesPerListener).");
        }

        return RuleCompiler.TryCompile(rule, _options, new RuleCounters(), out _);
    }

    private RuleSnapshot Snapshot(RuleDefinition rule)
    {
        var counters = _counters[rule.Id];
        return new RuleSnapshot(rule, counters.Hits, counters.LastHitAt, counters.RegexTimeouts, counters.RepliesDropped);
    }

    private void Rebuild(string listenerName)
    {
        if (_listeners.Find(listenerName) is not { } listener)
        {
            return;
        }

        var compiled = new List<CompiledRule>();
        foreach (var rule in _rules.Values.Where(r => r.Enabled && r.Listener == listenerName).OrderBy(r => r.Order).ThenBy(r => r.Id))
        {
            // Stored rules were valid when written; one that no longer compiles (a bound lowered since) is skipped.
            if (RuleCompiler.TryCompile(rule, _options, _counters[rule.Id], out var one) is null)
            {
                compiled.Add(one!);
            }
        }

        listener.SetResponder(compiled.Count == 0 ? null : new CompiledRuleSet([.. compiled], _options.MaxReplyBytes, _observer));
    }
}
