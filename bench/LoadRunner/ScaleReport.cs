using System.Globalization;
using System.Text;

namespace LoadRunner;

/// <summary>What the scale measurements found.</summary>
internal sealed record ScaleReport(
    int Sessions,
    long RssBeforeBytes,
    long RssAfterBytes,
    long HeapBeforeBytes,
    long HeapAfterBytes,
    double ListMillis,
    double ListenersMillis,
    double SnapshotMillis,
    int StalenessSessions,
    double[] StalenessMillis,
    double ChurnPerSecond,
    double ChurnSeconds,
    string Notes)
{
    public string Render()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("### Scale");
        text.AppendLine();
        text.AppendLine(inv, $"KestrelTcp alone, pinned to CPU {LoadRun.ServerCpu}; the clients run in the runner on CPU {LoadRun.ClientCpu}. Process limit: 20,000 file descriptors each.");
        text.AppendLine();
        text.AppendLine("| Measure | Value |");
        text.AppendLine("|---|---:|");
        text.AppendLine(inv, $"| idle sessions held | {Sessions:N0} |");
        text.AppendLine(inv, $"| RSS per idle session | {(RssAfterBytes - RssBeforeBytes) / (double)Sessions / 1024:N2} KB |");
        text.AppendLine(inv, $"| managed heap per idle session | {(HeapAfterBytes - HeapBeforeBytes) / (double)Sessions / 1024:N2} KB |");
        text.AppendLine(inv, $"| RSS before → after | {RssBeforeBytes / 1048576.0:N1} MB → {RssAfterBytes / 1048576.0:N1} MB |");
        text.AppendLine(inv, $"| `GET /api/sessions?pageSize=50` with all of them open | {ListMillis:N1} ms |");
        text.AppendLine(inv, $"| `GET /api/listeners` | {ListenersMillis:N1} ms |");
        text.AppendLine(inv, $"| dashboard hub connect → snapshot of every session | {SnapshotMillis:N0} ms |");
        if (StalenessMillis.Length > 0)
        {
            var sorted = StalenessMillis.Order().ToArray();
            text.AppendLine(inv, $"| dashboard staleness at {StalenessSessions:N0} sessions, TCP frame → delta at a SignalR client (p50 / p99 / max of {sorted.Length}) | {Percentile(sorted, 0.50):N0} / {Percentile(sorted, 0.99):N0} / {sorted[^1]:N0} ms |");
        }

        text.AppendLine(inv, $"| accept churn (connect + close, {ChurnSeconds:N0} s) | {ChurnPerSecond:N0} connections/s |");
        text.AppendLine();
        if (Notes.Length > 0)
        {
            text.AppendLine(Notes);
            text.AppendLine();
        }

        return text.ToString();
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
