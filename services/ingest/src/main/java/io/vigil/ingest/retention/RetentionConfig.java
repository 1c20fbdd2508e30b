package io.vigil.ingest.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * The retention job (every value can be set by environment variable, VIGIL_RETENTION_...). How long flows are kept is
 * not here: each customer's retentionDays comes from tenants, and vigil.ingest.retention is the service-wide floor of
 * the longest one (README, "Retention").
 */
@ConfigMapping(prefix = "vigil.retention")
public interface RetentionConfig {

    /**
     * How often the job runs, as a Quarkus {@code every} value ({@code 24h}, {@code 6h}); {@code off} runs it only on
     * demand. Read by the {@code @Scheduled} annotation through its property name.
     */
    @WithDefault("24h")
    String schedule();

    /** The first scheduled run waits this long after start-up, so a rolling restart does not start it on every pod. */
    @WithDefault("15m")
    String firstRunDelay();

    /** Most customers one {@code ALTER TABLE ... DELETE} covers; more customers mean more mutations per table. */
    @WithDefault("1000")
    int customersPerMutation();

    /**
     * A table gets a mutation only once some customer has rows older than its retention plus this; the mutation then
     * deletes everything past the retention. In 18.16 a mutation rewrites every part of the table, so with much data a
     * few days here trade a few days' extra keeping for a rewrite every few days instead of daily.
     */
    @WithDefault("0s")
    Duration mutationSlack();

    /** Customers asked of tenants per page of its internal list (1..1000). */
    @WithDefault("500")
    int tenantsPageSize();

    /**
     * How long a run waits for its mutations to finish before it reports them as still running (they go on in
     * ClickHouse either way; the next run skips a table whose retention mutation is still pending).
     */
    @WithDefault("30m")
    Duration mutationWait();
}
