using KestrelTcp.Fuzz;

namespace KestrelTcp.Protocols.Tests.Properties;

/// <summary>
/// Every file of fuzz/corpus (the seed corpus) and fuzz/crashes (inputs afl++ found to break a rule,
/// kept once fixed) goes through the fuzz harness's check, so a fuzzing finding stays fixed.
/// </summary>
public sealed class FuzzReplayTests
{
    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "corpus", "crashes" })
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Fuzz", folder);
            if (!Directory.Exists(path))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(path).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                data.Add(Path.Combine(folder, Path.GetFileName(file)));
            }
        }

        return data;
    }

    [Fact]
    public void TheSeedCorpusIsCopiedNextToTheTests()
    {
        Assert.True(Inputs().Count >= 10, "fuzz/corpus should hold the seed inputs");
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void FuzzInputPassesTheHarnessCheck(string input)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fuzz", input));

        FuzzTarget.Run(bytes);
    }
}
