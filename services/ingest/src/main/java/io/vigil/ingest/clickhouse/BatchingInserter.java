package io.vigil.ingest.clickhouse;

import com.clickhouse.client.api.Client;
import io.vigil.lib.clickhouse.ClickHouseEndpoints;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.ClickHouseUnavailableException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gathers pre-encoded RowBinary rows from many streams into few large INSERTs, retries each INSERT with backoff
 * until ClickHouse stores it, and completes every caller's future only once its rows are durable.
 *
 * <p>Rows are spread by a caller-chosen order key over single-threaded lanes, so rows with the same key (one
 * sensor) are stored in submission order. An INSERT never mixes UTC days, so it lands in one partition and is
 * stored whole or not at all. After a failed INSERT, {@link Recovery} removes what ClickHouse did store after
 * all (a timeout after commit), so a retry never duplicates.
 */
public final class BatchingInserter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchingInserter.class);
    private static final long SECONDS_PER_DAY = 86_400;

    /** After a failed INSERT: the part of {@code group} that ClickHouse has not stored. May throw while it is down. */
    @FunctionalInterface
    public interface Recovery {
        List<Pending> unstored(List<Pending> group);
    }

    /** Rows waiting to be stored; {@code key} identifies them to {@link Recovery}. */
    public record Pending(byte[] rows, int length, int rowCount, long receivedAtSeconds, Object key,
                          CompletableFuture<Void> stored) {
        long day() {
            return receivedAtSeconds / SECONDS_PER_DAY;
        }
    }

    private final String table;
    private final List<String> columns;
    private final ClickHouseEndpoints endpoints;
    private final Map<String, String> serverSettings;
    private final int maxRows;
    private final Duration linger;
    private final Recovery recovery;
    private final List<BlockingQueue<Pending>> lanes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong queuedRows = new AtomicLong();
    private final Map<Object, Integer> laneOf = new ConcurrentHashMap<>();
    private final AtomicInteger nextLane = new AtomicInteger();
    private final Timer insertTimer;
    private final DistributionSummary insertRows;
    private final Counter failures;
    private volatile boolean running = true;

    /** {@code serverSettings} go with every INSERT (a cluster's Distributed tables need insert_distributed_sync). */
    public BatchingInserter(ClickHouseEndpoints endpoints, String table, List<String> columns,
                            Map<String, String> serverSettings, int lanes, int maxRows, Duration linger, Recovery recovery,
                            MeterRegistry registry) {
        this.endpoints = endpoints;
        this.table = table;
        this.columns = List.copyOf(columns);
        this.serverSettings = Map.copyOf(serverSettings);
        this.maxRows = maxRows;
        this.linger = linger;
        this.recovery = recovery;
        String name = table.substring(table.indexOf('.') + 1);
        this.insertTimer = Timer.builder("vigil.ingest.insert.duration").description("ClickHouse INSERT latency")
                .tag("table", name).publishPercentileHistogram().register(registry);
        this.insertRows = DistributionSummary.builder("vigil.ingest.insert.rows").description("Rows per ClickHouse INSERT")
                .tag("table", name).publishPercentileHistogram().register(registry);
        this.failures = Counter.builder("vigil.ingest.insert.failures").description("Failed ClickHouse INSERT attempts")
                .tag("table", name).register(registry);
        registry.gauge("vigil.ingest.insert.queued.rows", List.of(io.micrometer.core.instrument.Tag.of("table", name)),
                queuedRows);
        for (int i = 0; i < lanes; i++) {
            BlockingQueue<Pending> lane = new LinkedBlockingQueue<>();
            this.lanes.add(lane);
            Thread t = new Thread(() -> drain(lane), "insert-" + name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * Queues rows; the future completes once they are stored (never exceptionally while the service runs).
     * Rows with the same {@code orderKey} go to the same lane for good, so they are stored in submission order;
     * keys are dealt to lanes in turn, which spreads a handful of busy sensors better than a hash would.
     */
    public CompletableFuture<Void> submit(Object orderKey, byte[] rows, int length, int rowCount, long receivedAtSeconds,
                                          Object key) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        if (!running) {
            stored.completeExceptionally(new CancellationException("ingest is shutting down"));
            return stored;
        }
        queuedRows.addAndGet(rowCount);
        int lane = laneOf.computeIfAbsent(orderKey, k -> Math.floorMod(nextLane.getAndIncrement(), lanes.size()));
        lanes.get(lane).add(new Pending(rows, length, rowCount, receivedAtSeconds, key, stored));
        return stored;
    }

    public long queuedRows() {
        return queuedRows.get();
    }

    private void drain(BlockingQueue<Pending> lane) {
        Pending carry = null;
        while (running) {
            try {
                Pending first = carry != null ? carry : lane.poll(100, TimeUnit.MILLISECONDS);
                carry = null;
                if (first == null) {
                    continue;
                }
                List<Pending> group = new ArrayList<>();
                group.add(first);
                int rows = first.rowCount();
                long deadline = System.nanoTime() + linger.toNanos();
                while (rows < maxRows) {
                    long wait = deadline - System.nanoTime();
                    Pending next = wait > 0 ? lane.poll(wait, TimeUnit.NANOSECONDS) : lane.poll();
                    if (next == null) {
                        break;
                    }
                    if (next.day() != first.day()) {
                        carry = next;
                        break;
                    }
                    group.add(next);
                    rows += next.rowCount();
                }
                storeWithRetry(group);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void storeWithRetry(List<Pending> group) throws InterruptedException {
        long outageStart = 0;
        int attempt = 0;
        while (!group.isEmpty()) {
            try {
                insert(group);
                if (attempt > 0) {
                    LOG.infof("ClickHouse INSERT into %s recovered after %d failed attempts (%d ms)", table, attempt,
                            (System.nanoTime() - outageStart) / 1_000_000);
                }
                complete(group);
                return;
            } catch (RuntimeException e) {
                failures.increment();
                if (attempt == 0) {
                    outageStart = System.nanoTime();
                    LOG.warnf("ClickHouse INSERT into %s failed (%s); holding %d rows of %d batches and retrying with"
                                    + " backoff; their acknowledgements wait until they are stored", table,
                            ClickHouseQueries.rootMessage(e), rows(group), group.size());
                } else if (attempt % 20 == 0) {
                    LOG.warnf("ClickHouse INSERT into %s still failing after %d attempts (%s)", table, attempt,
                            ClickHouseQueries.rootMessage(e));
                }
            }
            TimeUnit.MILLISECONDS.sleep(Math.min(5_000, 100L << Math.min(attempt, 6)));
            attempt++;
            if (!running) {
                return;
            }
            try {
                List<Pending> unstored = recovery.unstored(group);
                List<Pending> stored = new ArrayList<>(group);
                stored.removeAll(unstored);
                complete(stored);
                group = unstored;
            } catch (RuntimeException e) {
                LOG.debugf("recovery check for %s failed: %s", table, e.getMessage());
            }
        }
    }

    /** One INSERT to the current server; one that cannot be reached is left for the next, which the retry uses. */
    private void insert(List<Pending> group) {
        long start = System.nanoTime();
        Client client = endpoints.current();
        InsertSettings settings = new InsertSettings();
        serverSettings.forEach(settings::serverSetting);
        try {
            client.insert(table, columns, out -> {
                for (Pending p : group) {
                    out.write(p.rows(), 0, p.length());
                }
            }, ClickHouseFormat.RowBinary, settings).get(5, TimeUnit.MINUTES).close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseUnavailableException("interrupted", e);
        } catch (Exception e) {
            if (!ClickHouseEndpoints.answeredByServer(e)) {
                endpoints.failed(client);
            }
            throw new ClickHouseUnavailableException(ClickHouseQueries.rootMessage(e) + " (" + endpoints.currentUrl()
                    + " next)", e);
        }
        insertTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        insertRows.record(rows(group));
    }

    private void complete(List<Pending> done) {
        for (Pending p : done) {
            queuedRows.addAndGet(-p.rowCount());
            p.stored().complete(null);
        }
    }

    private static int rows(List<Pending> group) {
        return group.stream().mapToInt(Pending::rowCount).sum();
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (BlockingQueue<Pending> lane : lanes) {
            for (Pending p : lane) {
                p.stored().completeExceptionally(new CancellationException("ingest is shutting down"));
            }
        }
    }
}
