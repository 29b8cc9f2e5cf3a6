using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>
/// Caps how many password hashes are verified at once (<see cref="LockoutOptions.MaxConcurrentVerifications"/>).
/// A PBKDF2 check costs a core for a few hundred milliseconds; without a cap a sign-in flood takes every
/// core and devices' echoes wait behind it. A sign-in that finds no free slot within
/// <see cref="LockoutOptions.VerificationWait"/> is refused (429 with Retry-After) instead of queuing.
/// </summary>
internal sealed class PasswordVerificationGate : IDisposable
{
    /// <summary>What a refused caller is told to wait: a check takes well under a second.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _wait;
    private long _verifications;

    public PasswordVerificationGate(IOptions<SecurityOptions> options)
    {
        var lockout = options.Value.Lockout;
        _slots = new SemaphoreSlim(lockout.MaxConcurrentVerifications, lockout.MaxConcurrentVerifications);
        _wait = lockout.VerificationWait;
    }

    /// <summary>Password verifications run so far (the work a flood could make the server do).</summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    /// <summary>Waits up to <see cref="LockoutOptions.VerificationWait"/> for a slot; true when one was taken
    /// (give it back with <see cref="Exit"/>).</summary>
    public Task<bool> TryEnterAsync(CancellationToken cancellationToken = default) => _slots.WaitAsync(_wait, cancellationToken);

    public void Exit() => _slots.Release();

    /// <summary>Runs <paramref name="verify"/> in a slot; null when no slot freed up in time.</summary>
    public async Task<bool?> TryVerifyAsync(Func<bool> verify, CancellationToken cancellationToken = default)
    {
        if (!await TryEnterAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            Interlocked.Increment(ref _verifications);
            return verify();
        }
        finally
        {
            Exit();
        }
    }

    public void Dispose() => _slots.Dispose();
}
