package io.vigil.ingest.retention;

import io.vigil.lib.testing.ListeningProcess;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vigil.ingest.retention.client.CustomerRetentions;
import io.vigil.ingest.retention.repository.RetentionRepository;
import io.vigil.ingest.retention.service.RetentionJob;
import io.vigil.ingest.retention.service.RetentionReport;
import io.vigil.ingest.support.Stack;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one retention run for 1,000 customers costs ClickHouse, against what a day of their flows costs it to ingest.
 * <p>
 * <b>Data.</b> In a database of its own on the stack's ClickHouse (created by ingest's migrator at start-up with every
 * table and materialized view, dropped at the end), 1,000 customers keep 7 (300 of them), 30 (600) or 90 days (100),
 * and each sends {@code bench.retention.flows-per-day} flows a day (300 by default: a day of the load test scaled down
 * to what this machine holds, so that the tables hold what a daily retention run finds: each customer's days up to its
 * retention and one more, the day that has just expired). The history is generated server-side into {@code flows}, one
 * INSERT per age in days and retention class, so the roll-ups fill through the migrator's views as in production; then
 * the merges settle.
 * <p>
 * <b>Reference.</b> The day's flows (every customer's newest day) are staged in a side table, then inserted into
 * {@code flows} in 48 INSERTs (half an hour of the day each; {@code -Dbench.retention.day-inserts}), through the same
 * views; measured until ClickHouse's merges settle. It counts ClickHouse's own cost of storing the day, not ingest's
 * (RowBinary parsing aside, the same work).
 * <p>
 * <b>Measured.</b> One {@link RetentionJob#run()} as the service runs it (partition drops, counts, one
 * {@code ALTER TABLE ... DELETE} per table for the 1,000 customers by default, and its wait for the mutations), with the customer
 * list that tenants would give it handed in directly; measured until the merges settle after it. CPU is the ClickHouse
 * server's utime + stime (/proc/&lt;pid&gt;/stat, every thread, background merges and mutations included);
 * system.events' UserTimeMicroseconds + SystemTimeMicroseconds are printed beside it.
 * <p>
 * Asserts only that the run deleted what it should: per customer, no flow (and no flows_1m roll-up) older than its
 * retention is left, and everything newer is kept.
 */
@QuarkusTest
@TestProfile(RetentionBenchmark.Profile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("bench")
class RetentionBenchmark {

    /** A database of this run's own; the test reads its name back from the configuration. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(Map.of("vigil.clickhouse.database",
                    "vigil_retention_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8),
                    "vigil.retention.mutation-wait", "15m"));
            // the settings to compare: -Dbench.retention.customers-per-mutation=N, -Dbench.retention.mutation-slack=D
            for (String setting : List.of("customers-per-mutation", "mutation-slack")) {
                String value = System.getProperty("bench.retention." + setting);
                if (value != null && !value.isBlank()) {
                    config.put("vigil.retention." + setting, value);
                }
            }
            return config;
        }
    }

    private static final long DAY = 86_400L;
    private static final int FLOWS_PER_DAY = Integer.getInteger("bench.retention.flows-per-day", 300);
    /** Retention in days → customers keeping it. */
    private static final Map<Integer, Integer> CLASSES = new LinkedHashMap<>(Map.of(7, 300, 30, 600, 90, 100));
    /** INSERTs the day's flows are stored in (ingest sends one every 500 ms at most, so fewer, larger ones at a higher rate). */
    private static final int DAY_INSERTS = Integer.getInteger("bench.retention.day-inserts", 48);
    private static final String COLUMNS = "tenant_id, sensor_id, batch_seq, received_at, start, start_ms, end_ms,"
            + " ip_version, orig_addr, resp_addr, orig_port, resp_port, protocol, orig_packets, orig_bytes, resp_packets,"
            + " resp_bytes, conn_state";

    @Inject
    RetentionJob job;

    @Inject
    RetentionConfig config;

    @Inject
    RetentionRepository repository;

    @ConfigProperty(name = "vigil.clickhouse.database")
    String db;

    private long now;

    @AfterAll
    void dropDatabase() {
        ch("DROP DATABASE IF EXISTS " + db);
    }

    @Test
    void retentionForAThousandCustomersAgainstADayOfIngest() throws Exception {
        long pid = clickhousePid();
        now = System.currentTimeMillis() / 1000;
        Map<String, Integer> retentions = new TreeMap<>();
        CLASSES.forEach((days, n) -> {
            for (int i = 0; i < n; i++) {
                retentions.put(tenant(days, i), days);
            }
        });
        QuarkusMock.installMockForType(new CustomerRetentions(null, config) {
            @Override
            public Map<String, Integer> all() {
                return retentions;
            }
        }, CustomerRetentions.class);

        // History: for each retention class, the ages 1..R days (R: the day that has just expired)
        long t0 = System.nanoTime();
        long history = 0;
        int longest = CLASSES.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (int age = longest; age >= 1; age--) {
            for (Map.Entry<Integer, Integer> c : CLASSES.entrySet()) {
                if (age <= c.getKey()) {
                    ch("INSERT INTO " + db + ".flows (" + COLUMNS + ") " + generate(c.getKey(), c.getValue(), age));
                    history += (long) c.getValue() * FLOWS_PER_DAY;
                }
            }
        }
        // A working table keeps its last days whatever the customers keep: what the daily runs before left of it
        for (RetentionTable table : RetentionTable.ALL) {
            if (table.keepDays() > 0) {
                repository.partitions(table).stream().filter(p -> p.newest() < now - (table.keepDays() + 1) * DAY)
                        .forEach(p -> repository.dropPartition(table, p.id()));
            }
        }
        double settled = awaitMerges();
        System.out.printf("retention bench: history of %d flows (%d customers, %d flows each a day) in %.1f s, merges settled in %.1f s%n",
                history, retentions.size(), FLOWS_PER_DAY, (System.nanoTime() - t0) / 1e9, settled);

        // The day's flows, staged outside the measured tables
        ch("CREATE TABLE " + db + ".day_load AS " + db + ".flows ENGINE = MergeTree() ORDER BY start");
        for (Map.Entry<Integer, Integer> c : CLASSES.entrySet()) {
            ch("INSERT INTO " + db + ".day_load (" + COLUMNS + ") " + generate(c.getKey(), c.getValue(), 0));
        }
        awaitMerges();
        long dayFlows = Long.parseLong(ch("SELECT count() FROM " + db + ".day_load"));

        // ClickHouse's own CPU while nothing is asked of it (other databases' merges, its housekeeping)
        Cpu idle0 = Cpu.read(pid);
        long idleStart = System.nanoTime();
        TimeUnit.SECONDS.sleep(10);
        double idleWall = (System.nanoTime() - idleStart) / 1e9;
        double idleRate = Cpu.read(pid).minus(idle0).seconds() / idleWall;

        // (a) The reference: storing the day
        Cpu ingest0 = Cpu.read(pid);
        long ingestStart = System.nanoTime();
        long dayStart = now - DAY;
        for (int i = 0; i < DAY_INSERTS; i++) {
            ch("INSERT INTO " + db + ".flows SELECT * FROM " + db + ".day_load WHERE start >= toDateTime("
                    + (dayStart + i * DAY / DAY_INSERTS)
                    + ") AND start < toDateTime(" + (dayStart + (i + 1) * DAY / DAY_INSERTS) + ")");
        }
        awaitMerges();
        Cpu ingest = Cpu.read(pid).minus(ingest0);
        double ingestWall = (System.nanoTime() - ingestStart) / 1e9;
        assertEquals(history + dayFlows, Long.parseLong(ch("SELECT count() FROM " + db + ".flows")), "every flow stored");

        Map<String, long[]> flowsBefore = split("flows", "start", "countIf(%s)");
        Map<String, long[]> rollupBefore = split("flows_1m", "minute", "sumIf(flows, %s)");

        // (b) One retention run, as the service runs it
        Cpu run0 = Cpu.read(pid);
        long runStart = System.nanoTime();
        RetentionReport report = job.run();
        double jobWall = (System.nanoTime() - runStart) / 1e9;
        awaitMerges();
        Cpu run = Cpu.read(pid).minus(run0);
        double runWall = (System.nanoTime() - runStart) / 1e9;
        System.out.println("retention bench: " + report);
        assertEquals("COMPLETED", report.outcome(), report.toString());
        report.tables().forEach(t -> assertTrue(t.mutationsFinished(), t + ": its mutations finished within the run"));

        long rowsDeleted = report.tables().stream().mapToLong(t -> t.rowsDeleted() + t.rowsInDropped()).sum();
        RetentionReport.Table flows = report.tables().stream().filter(t -> t.table().equals("flows")).findFirst().orElseThrow();
        double share = 100.0 * run.seconds() / ingest.seconds();
        String settings = "customers-per-mutation " + config.customersPerMutation() + ", mutation-slack " + config.mutationSlack();
        System.out.printf("BENCH ingest.retention.clickhouse_cpu_share %.1f %% ratio=%.3f vs the day's ingest CPU; goal <= 5%%"
                        + " (retention %.2f cpu-s, day's ingest %.2f cpu-s; %d customers, %d flows a day, %d in flows; %s)%n",
                share, run.seconds() / ingest.seconds(), run.seconds(), ingest.seconds(), retentions.size(), dayFlows,
                history + dayFlows, settings);
        System.out.printf("BENCH ingest.retention.clickhouse_cpu %.2f cpu-s (one run for %d customers, %d mutations: the job %.1f s,"
                        + " %.1f s until merges had been quiet 12 s; query threads by system.events %.2f s, the rest background)%n",
                run.seconds(), retentions.size(), report.tables().stream().mapToInt(RetentionReport.Table::mutations).sum(),
                jobWall, runWall, run.eventSeconds());
        System.out.printf("BENCH ingest.retention.day_ingest_clickhouse_cpu %.2f cpu-s (%d flows in %d INSERTs through the"
                        + " views, %.1f s until merges had been quiet 12 s, %.1f cpu-s per million flows; query threads by"
                        + " system.events %.2f s,"
                        + " the rest background)%n", ingest.seconds(), dayFlows, DAY_INSERTS, ingestWall,
                ingest.seconds() / (dayFlows / 1e6), ingest.eventSeconds());
        System.out.printf("BENCH ingest.retention.clickhouse_idle_cpu %.3f cpu-s/s (ClickHouse asked nothing for %.0f s; over the"
                        + " two measurements: %.2f and %.2f cpu-s)%n", idleRate, idleWall, idleRate * runWall, idleRate * ingestWall);
        System.out.printf("BENCH ingest.retention.rows_deleted %d rows (flows: %d by mutation, %d in %d dropped partitions;"
                        + " every table: %d)%n", flows.rowsDeleted() + flows.rowsInDropped(), flows.rowsDeleted(),
                flows.rowsInDropped(), flows.partitionsDropped(), rowsDeleted);

        Map<String, long[]> flowsAfter = split("flows", "start", "countIf(%s)");
        Map<String, long[]> rollupAfter = split("flows_1m", "minute", "sumIf(flows, %s)");
        if (flowsAfter.values().stream().anyMatch(v -> v[0] > 0)) {
            // what ClickHouse says it did, to tell a mutation it never applied from one the job did not queue
            System.out.println("retention bench: rows past retention are left; flows' mutations:\n"
                    + ch("SELECT mutation_id, create_time, is_done, length(command) FROM system.mutations WHERE database = '" + db
                    + "' AND table = 'flows' ORDER BY mutation_id") + "\nflows' active parts:\n"
                    + ch("SELECT name, rows, modification_time FROM system.parts WHERE database = '" + db
                    + "' AND table = 'flows' AND active ORDER BY name") + "\nflows' parts with rows left:\n"
                    + chOrWhy("SELECT _part, tenant_id, count() FROM " + db + ".flows WHERE tenant_id LIKE 'rb7-%' AND start < toDateTime("
                    + (now - 7 * DAY) + ") OR tenant_id LIKE 'rb30-%' AND start < toDateTime(" + (now - 30 * DAY)
                    + ") GROUP BY _part, tenant_id ORDER BY _part, tenant_id"));
        }
        long expired = 0;
        for (String tenant : retentions.keySet()) {
            long[] before = flowsBefore.get(tenant);
            long[] after = flowsAfter.getOrDefault(tenant, new long[2]);
            expired += before[0];
            assertEquals(0, after[0], tenant + ": no flow older than its retention is left");
            assertEquals(before[1], after[1], tenant + ": every flow within its retention is kept");
            assertEquals(0, rollupAfter.getOrDefault(tenant, new long[2])[0], tenant + ": no flows_1m row older than its retention");
            assertEquals(rollupBefore.get(tenant)[1], rollupAfter.get(tenant)[1], tenant + ": its flows_1m within its retention kept");
        }
        assertTrue(expired >= (long) (CLASSES.get(7) + CLASSES.get(30)) * FLOWS_PER_DAY, "the history had expired flows: " + expired);
    }

    /** Retention class {@code days}' i-th customer. */
    private static String tenant(int days, int i) {
        return "rb" + days + "-" + i;
    }

    /**
     * A SELECT of {@link #COLUMNS}: FLOWS_PER_DAY flows of each of the {@code customers} of retention class
     * {@code days}, {@code age} days old (started between 1 h and 23 h into that day, counted back from now, so that
     * a run within the hour finds each day on the same side of every cutoff), from some 64 hosts each to many
     * destinations; one in ten a failed attempt, so that failed_targets_1h fills too.
     */
    private String generate(int days, int customers, int age) {
        long newest = now - age * DAY - 3600;
        String k = "(number % " + FLOWS_PER_DAY + ")";
        String c = "intDiv(number, " + FLOWS_PER_DAY + ")";
        String start = "toDateTime(" + newest + " - intDiv(" + k + " * 79200, " + FLOWS_PER_DAY + "))";
        return "SELECT concat('rb" + days + "-', toString(" + c + ")), 's1', 1, " + start + " + 20, " + start + ", toUInt64("
                + start + ") * 1000, toUInt64(" + start + ") * 1000 + number % 5000, 4,"
                + " IPv6StringToNum(concat('::ffff:10.0.', toString(" + k + " % 64), '.', toString(" + c + " % 250))),"
                + " IPv6StringToNum(concat('::ffff:172.16.', toString(intHash32(number) % 256), '.',"
                + " toString(intHash32(number + 1) % 256))),"
                + " 40000 + number % 20000, [443, 80, 53, 22, 445, 3389, 8080][intHash32(number + 2) % 7 + 1],"
                + " if(intHash32(number + 2) % 7 = 2, 17, 6), 1 + number % 20, 100 + number % 5000, number % 10 = 0 ? 0 : 1 + number % 30,"
                + " number % 10 = 0 ? 0 : 200 + number % 20000, number % 10 = 0 ? 'S0' : 'SF'"
                + " FROM numbers(" + (long) customers * FLOWS_PER_DAY + ")";
    }

    /**
     * Per tenant of the benchmark: {@code measure} (a format with the condition as %s, e.g. {@code countIf(%s)}) of its
     * rows older than its retention, and of the rest.
     */
    private Map<String, long[]> split(String table, String column, String measure) {
        Map<String, long[]> out = new HashMap<>();
        for (int days : CLASSES.keySet()) {
            String cutoff = "toDateTime(" + (now - days * DAY) + ")";
            String tsv = ch("SELECT tenant_id, " + String.format(measure, column + " < " + cutoff) + ", "
                    + String.format(measure, column + " >= " + cutoff)
                    + " FROM " + db + "." + table + " WHERE tenant_id LIKE 'rb" + days + "-%' GROUP BY tenant_id");
            for (String line : tsv.split("\n")) {
                if (!line.isBlank()) {
                    String[] f = line.split("\t");
                    out.put(f[0], new long[]{Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
        }
        return out;
    }

    /** Waits until no merge or mutation of this database has run for 12 s (up to 10 min); the seconds it waited. */
    private double awaitMerges() throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
        // Quiet for 12 s in a row: a merge pool with nothing to do sleeps about 10 s before it looks again, so a merge
        // the last parts call for may start seconds after the previous one ends, and would be charged to what follows.
        int quiet = 0;
        while (quiet < 24 && System.nanoTime() < deadline) {
            boolean busy = !"0".equals(ch("SELECT count() FROM system.merges WHERE database = '" + db + "'"))
                    || !"0".equals(ch("SELECT count() FROM system.mutations WHERE database = '" + db + "' AND is_done = 0"));
            quiet = busy ? 0 : quiet + 1;
            TimeUnit.MILLISECONDS.sleep(500);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String chOrWhy(String sql) {
        try {
            return ch(sql);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    private static String ch(String sql) {
        return RetentionChecks.ch(Stack.CLICKHOUSE, sql);
    }

    /** The ClickHouse server's CPU: utime + stime of its process (ticks), and its system.events user + system time (µs). */
    private record Cpu(long pid, long ticks, long eventMicros) {

        static Cpu read(long pid) {
            long events = Long.parseLong(ch("SELECT sum(value) FROM system.events"
                    + " WHERE event IN ('UserTimeMicroseconds', 'SystemTimeMicroseconds')"));
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return new Cpu(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]), events);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read ClickHouse's CPU from /proc/" + pid + "/stat", e);
            }
        }

        Cpu minus(Cpu before) {
            return new Cpu(pid, ticks - before.ticks, eventMicros - before.eventMicros);
        }

        /** utime + stime, in seconds (USER_HZ is 100 on Linux). */
        double seconds() {
            return ticks / 100.0;
        }

        double eventSeconds() {
            return eventMicros / 1e6;
        }
    }

    /** The ClickHouse server answering on {@link Stack#CLICKHOUSE}'s port (not the cluster's nodes beside it). */
    private static long clickhousePid() throws IOException {
        int port = URI.create(Stack.CLICKHOUSE).getPort();
        try {
            return ListeningProcess.pid(port);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("no process listens on ClickHouse's port " + port + ": cannot measure its CPU", e);
        }
    }
}
