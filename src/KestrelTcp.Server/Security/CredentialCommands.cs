using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace KestrelTcp.Server.Security;

/// <summary>
/// Commands run instead of the server, before the host is built:
/// <list type="bullet">
/// <item><c>hash-password</c>: reads a password (from standard input when it is redirected, else from a
/// prompt that does not echo, asked twice) and prints its hash for <c>KestrelTcp:Security:Users:{name}:PasswordHash</c>.</item>
/// <item><c>generate-api-key</c>: prints a new random API key and its hash for <c>KestrelTcp:Security:ApiKeys:{name}:KeyHash</c>.</item>
/// </list>
/// The result goes to standard output alone, so scripts can capture it; prompts and hints go to standard error.
/// </summary>
internal static class CredentialCommands
{
    public const string HashPassword = "hash-password";
    public const string GenerateApiKey = "generate-api-key";

    /// <summary>Passwords shorter than this get a warning (they are still hashed).</summary>
    public const int RecommendedPasswordLength = 12;

    /// <summary>Generated keys start with this, so secret scanners and people recognise them.</summary>
    public const string ApiKeyPrefix = "ktcp_";

    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] is not (HashPassword or GenerateApiKey))
        {
            return false;
        }

        exitCode = Run(args, Console.In, !Console.IsInputRedirected, Console.Out, Console.Error);
        return true;
    }

    /// <summary>Runs a command; <paramref name="interactive"/> means a person at a terminal types the password.</summary>
    internal static int Run(string[] args, TextReader input, bool interactive, TextWriter output, TextWriter error)
    {
        if (args.Length > 1)
        {
            error.WriteLine($"{args[0]} takes no arguments; {(args[0] == HashPassword ? "type the password when asked, or pipe it in" : "it prints a new key")}.");
            return 2;
        }

        return args[0] == HashPassword ? RunHashPassword(input, interactive, output, error) : RunGenerateApiKey(output, error);
    }

    private static int RunHashPassword(TextReader input, bool interactive, TextWriter output, TextWriter error)
    {
        string? password;
        if (interactive)
        {
            password = Prompt("Password: ", error);
            var again = Prompt("Repeat password: ", error);
            if (!string.Equals(password, again, StringComparison.Ordinal))
            {
                error.WriteLine("The passwords do not match; nothing was hashed.");
                return 1;
            }
        }
        else
        {
            password = input.ReadLine();
        }

        if (string.IsNullOrEmpty(password))
        {
            error.WriteLine("No password given; nothing was hashed.");
            return 1;
        }

        if (password.Length < RecommendedPasswordLength)
        {
            error.WriteLine($"Warning: the password is shorter than {RecommendedPasswordLength} characters.");
        }

        output.WriteLine(PasswordHasher.Hash(password));
        error.WriteLine("Set it as KestrelTcp:Security:Users:<name>:PasswordHash, with KestrelTcp:Security:Users:<name>:Role = Operator or Viewer.");
        return 0;
    }

    private static int RunGenerateApiKey(TextWriter output, TextWriter error)
    {
        var key = ApiKeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

        // A 256-bit random key cannot be guessed however fast the hash is, so the fewest accepted
        // iterations are enough here and keep the first check of each key cheap.
        var hash = PasswordHasher.Hash(key, PasswordHasher.MinIterations);
        output.WriteLine($"Key:     {key}");
        output.WriteLine($"KeyHash: {hash}");
        error.WriteLine("Give the key to the client (header X-Api-Key); set KeyHash as KestrelTcp:Security:ApiKeys:<name>:KeyHash, with");
        error.WriteLine("KestrelTcp:Security:ApiKeys:<name>:Role = Operator or Viewer. The key itself is not stored anywhere.");
        return 0;
    }

    /// <summary>Reads a line from the terminal without echoing it.</summary>
    private static string Prompt(string label, TextWriter error)
    {
        error.Write(label);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        error.WriteLine();
        return text.ToString();
    }
}
