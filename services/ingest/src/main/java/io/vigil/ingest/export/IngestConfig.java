package io.vigil.ingest.export;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Limits and batching of flow ingest; every value can be set by environment variable (VIGIL_INGEST_...). */
@ConfigMapping(prefix = "vigil.ingest")
public interface IngestConfig {

    /**
     * Flows older than this are refused (TOO_OLD). Also the floor of the retention job's longest retention: no partition
     * younger than the longer of this and every customer's retentionDays is dropped.
     */
    @WithDefault("P30D")
    Duration retention();

    /** Flows whose start or end lies further ahead than this are refused (IN_FUTURE). */
    @WithDefault("5m")
    Duration maxClockSkew();

    /** Most flows one FlowBatch may carry; a larger batch ends the stream with RESOURCE_EXHAUSTED. */
    @WithDefault("10000")
    int maxBatchFlows();

    /**
     * Largest FlowBatch message in bytes; a larger one ends the stream with RESOURCE_EXHAUSTED and this limit in its
     * description. quarkus.grpc.server.max-inbound-message-size must stay above it: over that transport limit the
     * gRPC layer refuses the message itself, with no description.
     */
    @WithDefault("4194304")
    int maxBatchBytes();

    /** Batches ingest reads ahead on one stream before their acknowledgements (gRPC flow control). */
    @WithDefault("32")
    int streamWindow();

    /** Independent INSERT lanes; one sensor always uses the same lane, so its batches are stored in order. */
    @WithDefault("2")
    int insertLanes();

    /** An INSERT is sent once it holds this many rows (below ClickHouse's 1,048,576-row block, so it stays one part)... */
    @WithDefault("500000")
    int insertMaxRows();

    /**
     * ...or once its first rows have waited this long. Longer means fewer, larger parts for ClickHouse to merge,
     * but each stream's window (streamWindow batches) must cover the wait, or sensors stall.
     */
    @WithDefault("500ms")
    Duration insertLinger();
}
