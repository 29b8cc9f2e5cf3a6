using System.Text;

namespace KestrelTcp.Cli.Tests.Helpers;

/// <summary>A captured output stream a test can wait on: <see cref="WaitForAsync"/> completes when the text appears.</summary>
public sealed class WatchedWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly List<(string Expected, TaskCompletionSource Seen)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
            var text = _text.ToString();
            foreach (var waiter in _waiters.Where(w => text.Contains(w.Expected, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public override void WriteLine(string? value) => Write(value + NewLine);

    public Task WaitForAsync(string expected)
    {
        lock (_text)
        {
            if (_text.ToString().Contains(expected, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((expected, seen));
            return seen.Task.WaitAsync(KestrelTcp.Client.Tests.Helpers.Wait.Timeout);
        }
    }
}
