namespace KestrelTcp.Cli;

/// <summary>Bad command-line arguments; the message says what is wrong and <c>ktcp</c> exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
        : this("Invalid arguments.")
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
