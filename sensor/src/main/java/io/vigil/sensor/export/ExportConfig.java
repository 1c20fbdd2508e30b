package io.vigil.sensor.export;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the sensor reaches ingest and batches its flows.
 *
 * @param target            ingest's gRPC address, host:port
 * @param tls               TLS to ingest (the system trust store, or {@code caFile})
 * @param caFile            PEM CA certificates to trust instead of the system's; may be null
 * @param batchFlows        a batch is cut at this many flows...
 * @param batchLinger       ...or when its first flow has waited this long
 * @param heartbeatInterval how often the Heartbeat RPC reports status
 * @param window            batches sent ahead of their Acks (ingest reads 32 ahead)
 * @param traceContext      send a W3C {@code traceparent} (a new trace per call, logged) on Export and Heartbeat, so
 *                          ingest's spans of those calls carry the sensor's trace id; off by default
 */
public record ExportConfig(String target, boolean tls, Path caFile, int batchFlows, Duration batchLinger,
                           Duration heartbeatInterval, int window, boolean traceContext) {

    public static final String DEFAULT_TARGET = "127.0.0.1:18090";
    public static final int DEFAULT_BATCH_FLOWS = 2_000;
    public static final Duration DEFAULT_LINGER = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);
    public static final int DEFAULT_WINDOW = 32;

    public ExportConfig {
        if (batchFlows < 1 || batchFlows > 10_000) {
            throw new IllegalArgumentException("export.batch-flows must be 1..10000 (ingest's limit): " + batchFlows);
        }
    }
}
