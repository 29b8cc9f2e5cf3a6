using System.Buffers;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Automation.Rules;

/// <summary>
/// A listener's enabled rules in order, immutable: an edit builds a new set and swaps it in
/// (<see cref="Listener.SetResponder"/>). The first rule that matches wins: its counters move, its reply
/// is rendered into a pooled buffer and queued on the session's outbound queue, and the observer is told.
/// When nothing matches nothing is allocated (regex rules aside, which decode the payload).
/// </summary>
internal sealed class CompiledRuleSet : IFrameResponder
{
    private readonly CompiledRule[] _rules;
    private readonly int _maxReplyBytes;
    private readonly IRuleHitObserver? _observer;

    public CompiledRuleSet(CompiledRule[] rules, int maxReplyBytes, IRuleHitObserver? observer)
    {
        _rules = rules;
        _maxReplyBytes = maxReplyBytes;
        _observer = observer;
    }

    public IReadOnlyList<CompiledRule> Rules => _rules;

    public FrameResponse Respond(Session session, ReadOnlySpan<byte> payload)
    {
        foreach (var rule in _rules)
        {
            if (rule.TryMatch(payload, out var match))
            {
                var now = DateTime.UtcNow;
                var counter = rule.Counters.Hit(now.Ticks);
                if (!rule.Reply.IsEmpty)
                {
                    Reply(session, rule, match, counter, now);
                }

                var definition = rule.Definition;
                _observer?.RuleHit(session.Id, session.DeviceId, definition.Listener, definition.Id, definition.Name);
                return definition.Record ? FrameResponse.Matched : FrameResponse.Unrecorded;
            }
        }

        return FrameResponse.None;
    }

    public FrameResponse Respond(Session session, in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return Respond(session, payload.FirstSpan);
        }

        var length = (int)payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(buffer);
            return Respond(session, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Reply(Session session, CompiledRule rule, System.Text.RegularExpressions.Match? match, long counter, DateTime now)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_maxReplyBytes);
        try
        {
            var length = rule.Reply.Render(buffer.AsSpan(0, _maxReplyBytes), match, session.DeviceId, counter, now);
            var reply = buffer.AsSpan(0, Math.Max(0, length));
            if (length < 0
                || !session.Listener.Codec.TryValidatePayload(reply, out _)
                || session.EnqueueReply(reply, rule.Definition.Record) != SendResult.Queued)
            {
                rule.Counters.ReplyDropped();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
