package io.vigil.ingest.retention.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.vigil.ingest.clickhouse.SchemaMigrator;
import io.vigil.ingest.export.IngestConfig;
import io.vigil.ingest.retention.RetentionConfig;
import io.vigil.ingest.retention.RetentionPlan;
import io.vigil.ingest.retention.RetentionTable;
import io.vigil.ingest.retention.client.CustomerRetentions;
import io.vigil.ingest.retention.repository.RetentionRepository;
import io.vigil.ingest.retention.repository.RetentionRepository.Partition;
import io.vigil.lib.clickhouse.ClickHouseUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies every customer's retention to the flow tables (RetentionTable.ALL), on a schedule (vigil.retention.schedule)
 * or on demand (the admin endpoint). A run reads every customer's retention from tenants first and deletes nothing
 * unless it got the whole list. It then drops, table by table, the partitions entirely older than the longest retention
 * (cheap: whole parts unlinked), and queues {@code ALTER TABLE ... DELETE} mutations for what is left of each customer's
 * rows past its own retention, up to vigil.retention.customers-per-mutation customers per mutation, and only where a
 * count finds such rows (a mutation rewrites every part of the table). Ids tenants does not list keep their rows until
 * the partition drop reaches them.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    /** A run is already going (the schedule's or an operator's). */
    public static class AlreadyRunning extends RuntimeException {
        public AlreadyRunning() {
            super("a retention run is already going");
        }
    }

    private final CustomerRetentions retentions;
    private final RetentionRepository repository;
    private final SchemaMigrator migrator;
    private final IngestConfig ingest;
    private final RetentionConfig config;
    private final MeterRegistry registry;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong lastCompleted = new AtomicLong();

    public RetentionJob(CustomerRetentions retentions, RetentionRepository repository, SchemaMigrator migrator,
                        IngestConfig ingest, RetentionConfig config, MeterRegistry registry) {
        this.retentions = retentions;
        this.repository = repository;
        this.migrator = migrator;
        this.ingest = ingest;
        this.config = config;
        this.registry = registry;
        registry.gauge("vigil.ingest.retention.last.completed.seconds", lastCompleted);
        for (String outcome : List.of("COMPLETED", "TENANTS_UNAVAILABLE", "CLICKHOUSE_FAILED", "SCHEMA_PENDING")) {
            runs(outcome);
        }
    }

    @Scheduled(identity = "retention", every = "${vigil.retention.schedule}", delayed = "${vigil.retention.first-run-delay}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            run();
        } catch (AlreadyRunning e) {
            LOG.info("retention: the scheduled run is skipped, an operator's run is going");
        }
    }

    /** One run, now, on the calling thread; throws {@link AlreadyRunning} if one is going. */
    public RetentionReport run() {
        if (!running.compareAndSet(false, true)) {
            throw new AlreadyRunning();
        }
        try {
            RetentionReport report = runOnce(Instant.now());
            runs(report.outcome()).increment();
            if ("COMPLETED".equals(report.outcome())) {
                lastCompleted.set(Instant.now().getEpochSecond());
            }
            return report;
        } finally {
            running.set(false);
        }
    }

    private RetentionReport runOnce(Instant now) {
        if (!migrator.isReady()) {
            LOG.warn("retention: the ClickHouse schema is not current yet; nothing done");
            return new RetentionReport("SCHEMA_PENDING", 0, 0, List.of(), migrator.lastError());
        }
        Map<String, Integer> days;
        try {
            days = retentions.all();
        } catch (CustomerRetentions.Unavailable e) {
            LOG.errorf("retention: nothing deleted, since %s. The next run tries again.", e.getMessage());
            return new RetentionReport("TENANTS_UNAVAILABLE", 0, 0, List.of(), e.getMessage());
        }
        RetentionPlan plan = RetentionPlan.of(days, ingest.retention(), ingest.maxClockSkew(), now,
                config.customersPerMutation());
        LOG.infof("retention: %d customers from tenants, longest retention %d days (partitions with nothing newer than %s"
                        + " are dropped); %d mutations at most per table%s", plan.customers(), plan.longestDays(),
                Instant.ofEpochSecond(plan.dropBefore()), plan.chunks().size(),
                plan.skipped().isEmpty() ? "" : "; skipped (no retention or not a tenant id): " + plan.skipped());
        List<RetentionReport.Table> tables = new ArrayList<>();
        List<RetentionTable> mutated = new ArrayList<>();
        try {
            for (RetentionTable table : RetentionTable.ALL) {
                tables.add(apply(table, plan, mutated));
            }
            boolean finished = waitForMutations(mutated);
            List<RetentionReport.Table> done = tables.stream().map(t -> mutated.stream().anyMatch(m -> m.name().equals(t.table()))
                    ? new RetentionReport.Table(t.table(), t.partitionsDropped(), t.rowsInDropped(), t.mutations(),
                    t.customersDeleted(), t.rowsDeleted(), finished, t.skippedPendingMutation()) : t).toList();
            done.forEach(RetentionJob::log);
            return new RetentionReport("COMPLETED", plan.customers(), plan.longestDays(), done, null);
        } catch (ClickHouseUnavailableException e) {
            tables.forEach(RetentionJob::log);
            LOG.errorf("retention: stopped, ClickHouse failed: %s. The next run goes on from what is left.", e.getMessage());
            return new RetentionReport("CLICKHOUSE_FAILED", plan.customers(), plan.longestDays(), tables, e.getMessage());
        }
    }

    private RetentionReport.Table apply(RetentionTable table, RetentionPlan plan, List<RetentionTable> mutated) {
        int dropped = 0;
        long droppedRows = 0;
        long dropBefore = plan.dropBefore(table);
        for (Partition p : repository.partitions(table)) {
            // newest 0: the part has no minmax of its partition column; leave it to the mutations
            if (p.newest() > 0 && p.newest() < dropBefore) {
                repository.dropPartition(table, p.id());
                dropped++;
                droppedRows += p.rows();
                deleted(table, "partition").increment(p.rows());
            }
        }
        if (repository.pendingMutations(table) > 0) {
            LOG.warnf("retention: %s still has an unfinished mutation; no new one this run", table.name());
            return new RetentionReport.Table(table.name(), dropped, droppedRows, 0, 0, 0, true, true);
        }
        int mutations = 0;
        int customers = 0;
        long rows = 0;
        for (RetentionPlan.Chunk chunk : plan.chunks()) {
            String where = chunk.where(table.timeColumn());
            long slack = config.mutationSlack().toSeconds();
            Map<String, Long> byTenant = repository.countByTenant(table, slack > 0 ? chunk.where(table.timeColumn(), slack) : where);
            if (byTenant.isEmpty()) {
                continue;
            }
            if (slack > 0) {
                byTenant = repository.countByTenant(table, where);
            }
            repository.delete(table, where);
            mutations++;
            customers += byTenant.size();
            long n = byTenant.values().stream().mapToLong(Long::longValue).sum();
            rows += n;
            deleted(table, "mutation").increment(n);
            registry.counter("vigil.ingest.retention.mutations", "table", table.name()).increment();
        }
        if (mutations > 0) {
            mutated.add(table);
        }
        return new RetentionReport.Table(table.name(), dropped, droppedRows, mutations, customers, rows, mutations == 0, false);
    }

    /** Waits until no mutated table has an unfinished mutation, up to vigil.retention.mutation-wait. */
    private boolean waitForMutations(List<RetentionTable> tables) {
        long deadline = System.nanoTime() + config.mutationWait().toNanos();
        while (true) {
            boolean pending = false;
            for (RetentionTable t : tables) {
                pending |= repository.pendingMutations(t) > 0;
            }
            if (!pending) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static void log(RetentionReport.Table t) {
        LOG.infof("retention: %s: dropped %d partitions (%d rows); deleted %d rows of %d customers in %d mutations%s", t.table(),
                t.partitionsDropped(), t.rowsInDropped(), t.rowsDeleted(), t.customersDeleted(), t.mutations(),
                t.skippedPendingMutation() ? " (skipped: a mutation was still pending)"
                        : t.mutations() == 0 ? "" : t.mutationsFinished() ? " (finished)" : " (still running in ClickHouse)");
    }

    private Counter runs(String outcome) {
        return registry.counter("vigil.ingest.retention.runs", "outcome", outcome);
    }

    private Counter deleted(RetentionTable table, String how) {
        return registry.counter("vigil.ingest.retention.rows.deleted", "table", table.name(), "how", how);
    }
}
