package io.vigil.detection.cycle;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;

/** The detection engine's own settings ({@code vigil.detection.engine.*}); each family has its own section. */
@ConfigMapping(prefix = "vigil.detection.engine")
public interface EngineConfig {

    /**
     * How often the cycle looks for new batches. An idle cycle is one small ClickHouse query, so it can run often:
     * alert latency is about ingest's INSERT linger + this + one cycle.
     */
    @WithName("cycle-interval")
    @WithDefault("PT2S")
    Duration cycleInterval();

    /**
     * Batches received longer ago than this are not judged (a new sensor's history, or detection down that long); the
     * marks still move past them. Also bounds the partitions a window reads.
     */
    @WithName("max-catch-up")
    @WithDefault("PT1H")
    Duration maxCatchUp();

    /** How the tenants of a cycle are split into chunks, each read and written on its own. */
    Chunk chunk();

    interface Chunk {

        /**
         * Sensors (batch ranges) per chunk. Each is about 60 bytes of SQL in every read of the chunk, so this bounds the
         * query text; 20,000 keeps it near 1 MiB (FlowSql.READ_SETTINGS allows 64).
         */
        @WithName("max-sensors")
        @WithDefault("20000")
        int maxSensors();
    }

    /**
     * Fault injection for tests only: halt the JVM right after a cycle's transaction commits, before anything else
     * runs, as a crash there would. Never set it in production.
     */
    @WithName("fault.halt-after-commit")
    @WithDefault("false")
    boolean haltAfterCommit();
}
