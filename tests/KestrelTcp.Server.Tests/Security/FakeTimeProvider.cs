namespace KestrelTcp.Server.Tests.Security;

/// <summary>A clock the test moves by hand: only "now" is fake, timers and timestamps stay real, so the
/// rest of the server runs as usual while lockouts and sign-in expiry see the moved clock.</summary>
internal sealed class FakeTimeProvider : TimeProvider
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
