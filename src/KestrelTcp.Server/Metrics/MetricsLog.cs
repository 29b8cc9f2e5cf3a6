namespace KestrelTcp.Server.Metrics;

/// <summary>Log messages of metrics. Event ids 1100-1109.</summary>
internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 1100, EventName = "MetricsPortOpen", Level = LogLevel.Warning,
        Message = "Metrics are served WITHOUT sign-in at http://{EndPoint}/metrics (KestrelTcp:Metrics:Port); keep that port on a network only Prometheus reaches")]
    public static partial void MetricsPortOpen(this ILogger logger, string endPoint);

    [LoggerMessage(EventId = 1101, EventName = "OtlpExportOn", Level = LogLevel.Information,
        Message = "Metrics are exported over OTLP to {Endpoint} (OTEL_EXPORTER_OTLP_ENDPOINT)")]
    public static partial void OtlpExportOn(this ILogger logger, string endpoint);
}
