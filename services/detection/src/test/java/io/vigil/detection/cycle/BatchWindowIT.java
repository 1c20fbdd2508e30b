package io.vigil.detection.cycle;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.support.TestCustomers;
import io.vigil.detection.cycle.SensorMarks;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.support.Synthetic;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cycle's window is exact per sensor batch, not by time: a batch stored late with an old received_at (ingest
 * retrying through a ClickHouse outage) is judged once, and re-running a cycle never counts a batch twice. Batches are
 * horizontal SYN scans generated in ClickHouse for a tenant of this run, as two sensors' numbered batches.
 */
@QuarkusTest
class BatchWindowIT {

    private static final String SCANNER = "10.1.0.77";

    @Inject
    DetectionCycle cycle;

    @Inject
    SensorMarks marks;

    @Inject
    Pool pool;

    private String tenant() {
        return TestCustomers.create(pool, "10.1.0.0/16");
    }

    /** Batch {@code seq} of {@code sensor}: SYNs from the scanner to hosts 10.1.3.{first … first+n-1} on 22, all unanswered. */
    private static void batch(String tenant, String sensor, long seq, int first, int n, Instant received) throws Exception {
        Synthetic.flows(tenant, n).batch(sensor, seq).set("s", (received.getEpochSecond() - 20) * 1000 + " + number * 10")
                .set("received_s", received.getEpochSecond()).set("orig", "'" + SCANNER + "'")
                .set("resp", "concat('10.1.3.', toString(" + first + " + number))").set("resp_port", 22).unanswered().insert();
    }

    private static Map<String, Object> onlyAlert(String tenant) {
        List<Map<String, Object>> items = as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts")
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(1, items.size(), "alerts: " + items);
        return items.get(0);
    }

    private static long attempts(Map<String, Object> alert) {
        return ((Number) alert.get("attempts")).longValue();
    }

    @Test
    void lateBatchWithAnOldReceivedAtIsJudgedExactlyOnce() throws Exception {
        String t = tenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        batch(t, "s1", 1, 1, 30, now);
        batch(t, "s2", 7, 31, 10, now);

        DetectionCycle.TenantRun first = cycle.runTenant(t, now);
        assertEquals(List.of(new SeqRange("s1", 0, 1), new SeqRange("s2", 0, 7)),
                first.batches().stream().sorted(java.util.Comparator.comparing(SeqRange::sensor)).toList());
        assertEquals(40, attempts(onlyAlert(t)));

        // Stored after that cycle ran, but received 10 minutes earlier: a received_at window had already passed it.
        batch(t, "s1", 2, 41, 20, now.minusSeconds(600));
        DetectionCycle.TenantRun late = cycle.runTenant(t, now.plusSeconds(2));
        assertEquals(List.of(new SeqRange("s1", 1, 2)), late.batches());
        assertEquals(20, late.attempts(), "only the late batch's 20 attempts are read");
        assertEquals(60, attempts(onlyAlert(t)));

        // Re-running, per tenant or as the scheduled cycle does (over this test's tenant only), judges nothing again.
        assertEquals(0, cycle.runTenant(t, now.plusSeconds(4)).batchCount());
        assertTrue(cycle.run(now.plusSeconds(4), t::equals).isEmpty(), "an idle tenant is skipped");
        assertEquals(60, attempts(onlyAlert(t)));

        // The scheduled cycle's path finds the next batch by itself.
        batch(t, "s2", 8, 61, 10, now.plusSeconds(5));
        List<DetectionCycle.TenantRun> runs = cycle.run(now.plusSeconds(6), t::equals);
        assertEquals(1, runs.size());
        assertEquals(List.of(new SeqRange("s2", 7, 8)), runs.get(0).batches());
        assertEquals(70, attempts(onlyAlert(t)));
    }

    @Test
    void aCycleWhoseMarksMovedMeanwhileCommitsNothing() throws Exception {
        String t = tenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        batch(t, "s1", 3, 1, 30, now);
        cycle.runTenant(t, now);

        // A second cycle (a re-run, or another replica during a shard change) that read the marks before the first committed.
        Instant at = Instant.now();
        assertThrows(SensorMarks.Conflict.class, () -> VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> Panache.getSession().chain(s -> marks.advance(s, List.of(new TenantBatches(t, List.of(new SeqRange("s1", 0, 3)), Map.of())), at)))));
        assertThrows(SensorMarks.Conflict.class, () -> VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> Panache.getSession().chain(s -> marks.advance(s, List.of(new TenantBatches(t, List.of(new SeqRange("s1", 1, 3)), Map.of("s1", 1L))), at)))));
        assertEquals(Map.of("s1", 3L), marks.of(t).await().indefinitely());
        assertEquals(30, attempts(onlyAlert(t)));
    }

    @Test
    void marksAheadOfClickHouseAreTakenAsADataReset() throws Exception {
        String t = tenant();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        batch(t, "s1", 4, 1, 30, now);
        // As after ClickHouse was restored from an older backup: the mark says batch 90 was judged, ClickHouse holds up to 4.
        pool.preparedQuery("INSERT INTO detection.sensor_marks (tenant_id, sensor_id, processed_seq, updated_at) VALUES ($1, 's1', 90, now())")
                .execute(Tuple.of(t)).await().indefinitely();
        DetectionCycle.TenantRun run = cycle.runTenant(t, now);
        assertEquals(List.of(new SeqRange("s1", 0, 4)), run.batches());
        assertEquals(Map.of("s1", 4L), marks.of(t).await().indefinitely());
        assertEquals(30, attempts(onlyAlert(t)));
    }
}
