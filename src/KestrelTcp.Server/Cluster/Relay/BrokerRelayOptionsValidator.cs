using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Cluster.Relay;

/// <summary>Validates <see cref="BrokerRelayOptions"/> at start, against the Broker listeners' frame sizes;
/// each failure names its configuration key.</summary>
internal sealed class BrokerRelayOptionsValidator(IOptions<KestrelTcpOptions> server) : IValidateOptions<BrokerRelayOptions>
{
    public const int MinBatchBytes = 4 * 1024;
    public const int MaxBatchBytes = 64 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, BrokerRelayOptions options)
    {
        const string Root = ClusterOptions.SectionName;
        var errors = new List<string>();
        if (options.RelayMaxBatchBytes is < MinBatchBytes or > MaxBatchBytes)
        {
            errors.Add($"{Root}:RelayMaxBatchBytes must be between {MinBatchBytes} and {MaxBatchBytes} (was {options.RelayMaxBatchBytes}).");
        }
        else
        {
            foreach (var (listener, listenerOptions) in server.Value.Listeners)
            {
                if (listenerOptions.Mode != ListenerMode.Broker)
                {
                    continue;
                }

                long needed = (long)listenerOptions.Framing.EffectiveMaxFrameBytes + RelayMessage.MaxOverheadBytes;
                if (options.RelayMaxBatchBytes < needed)
                {
                    errors.Add($"{Root}:RelayMaxBatchBytes must be at least {needed} to relay the largest frame of Broker listener '{listener}' (Framing:MaxFrameBytes {listenerOptions.Framing.EffectiveMaxFrameBytes} plus {RelayMessage.MaxOverheadBytes}) (was {options.RelayMaxBatchBytes}).");
                }
            }
        }

        if (options.RelayMaxQueueBytes < 2L * options.RelayMaxBatchBytes || options.RelayMaxQueueBytes > 1L << 32)
        {
            errors.Add($"{Root}:RelayMaxQueueBytes must be between twice {Root}:RelayMaxBatchBytes ({2L * options.RelayMaxBatchBytes}) and 4294967296 (was {options.RelayMaxQueueBytes}).");
        }

        if (options.RelayMaxQueueFrames is < 1 or > 10_000_000)
        {
            errors.Add($"{Root}:RelayMaxQueueFrames must be between 1 and 10000000 (was {options.RelayMaxQueueFrames}).");
        }

        if (options.RelayMaxInboundMessages is < 1 or > 100_000)
        {
            errors.Add($"{Root}:RelayMaxInboundMessages must be between 1 and 100000 (was {options.RelayMaxInboundMessages}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
