package io.vigil.detection.family.exfiltration;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.baseline.service.BaselineService;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.cycle.FindingGate;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.support.Synthetic;
import io.vigil.detection.support.TestCustomers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exfiltration family through the real cycle, ClickHouse and PostgreSQL, on synthetic traffic: a new host's
 * 1.2 GB upload alerts on the floor while a new host's 300 MB does not; a mature host whose hours never exceed 20 MB
 * alerts on 300 MB, with its baseline in the evidence; a backup server that sends 300 MB at this hour every day does
 * not; pulling from five file servers and then uploading is staging.
 */
@QuarkusTest
class ExfiltrationIT {

    static final String CLOUD = "198.51.100.10";
    static final long MB = 1_000_000L;

    @Inject
    DetectionCycle cycle;

    @Inject
    BaselineService baselines;

    @Inject
    Pool pool;

    /** One TCP session a {@code stepMs} from {@code fromMs}, {@code n} of them, sending {@code bytesOut}; received now. */
    static void sessions(String tenant, String source, String target, int port, long n, long fromMs, long stepMs, long bytesOut,
                         long bytesIn, Instant received) throws Exception {
        Synthetic.flows(tenant, n).set("s", fromMs + " + number * " + stepMs).set("received_s", received.getEpochSecond())
                .set("orig", "'" + source + "'").set("resp", target).set("resp_port", port).session(bytesOut, bytesIn).insert();
    }

    @Test
    void uploadsAreJudgedAgainstTheHostsBaselineOrTheFloor() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = TestCustomers.create(pool, "10.1.0.0/16");
        long hourAgo = now.minus(Duration.ofDays(9)).getEpochSecond() / 3600 * 3600 * 1000;
        // The office host sent 20 MB every hour from nine days to one day ago; the backup server 300 MB at this hour of
        // each of the last nine days, and 1 MB an hour to a file server.
        sessions(tenant, "10.1.0.30", "'" + CLOUD + "'", 443, 8 * 24, hourAgo, 3_600_000, 20 * MB, 5 * MB, now.minus(Duration.ofDays(2)));
        sessions(tenant, "10.1.0.40", "'198.51.100.20'", 443, 9, now.minus(Duration.ofDays(9)).minusSeconds(600).toEpochMilli(),
                86_400_000, 300 * MB, MB, now.minus(Duration.ofDays(2)));
        sessions(tenant, "10.1.0.40", "'10.1.0.10'", 22, 9 * 24, hourAgo, 3_600_000, MB, MB, now.minus(Duration.ofDays(2)));
        baselines.refresh(tenant, now);

        long at = now.minusSeconds(600).toEpochMilli();
        sessions(tenant, "10.1.0.21", "'" + CLOUD + "'", 443, 1, at, 1, 1_200 * MB, MB, now);   // new host, above the floor
        sessions(tenant, "10.1.0.22", "'" + CLOUD + "'", 443, 1, at, 1, 300 * MB, MB, now);     // new host, below it
        sessions(tenant, "10.1.0.30", "'" + CLOUD + "'", 443, 1, at, 1, 300 * MB, MB, now);     // mature, 15 × its hour
        sessions(tenant, "10.1.0.40", "'198.51.100.20'", 443, 1, at, 1, 300 * MB, MB, now);     // mature, its nightly job
        for (int i = 100; i < 105; i++) {                                                        // staging, then out
            sessions(tenant, "10.1.0.23", "'10.1.0." + i + "'", 445, 1, at - 3_600_000, 1, MB / 10, 30 * MB, now);
        }
        sessions(tenant, "10.1.0.23", "'" + CLOUD + "'", 8000, 1, at, 1, 130 * MB, MB, now);
        DetectionCycle.TenantRun run = cycle.runTenant(tenant, now.plusSeconds(1));

        Map<String, AlertType> raised = new java.util.TreeMap<>();
        run.findings().forEach(f -> raised.put(f.source(), f.type()));
        assertEquals(Map.of("10.1.0.21", AlertType.UNUSUAL_UPLOAD, "10.1.0.30", AlertType.UNUSUAL_UPLOAD,
                "10.1.0.23", AlertType.DATA_STAGING), raised, "dropped: " + run.dropped());
        Map<String, FindingGate.DropReason> dropped = new java.util.TreeMap<>();
        run.dropped().forEach(d -> dropped.put(d.finding().source(), d.reason()));
        assertEquals(Map.of("10.1.0.22", FindingGate.DropReason.BASELINE, "10.1.0.40", FindingGate.DropReason.BASELINE), dropped);

        List<Map<String, Object>> items = as("msp-a-analyst").queryParam("family", "EXFILTRATION")
                .get("/api/v1/customers/" + tenant + "/alerts").then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(3, items.size(), items.toString());
        Map<String, Object> mature = items.stream().filter(a -> a.get("source").equals("10.1.0.30")).findFirst().orElseThrow();
        assertEquals("10.1.0.30 sent 300.0 MB to " + CLOUD + " within the hour", mature.get("summary"));
        String baseline = as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts/" + mature.get("id")).then().statusCode(200)
                .extract().jsonPath().getString("baseline.text");
        assertTrue(baseline.startsWith("observed 300000000 bytes out in the last hour vs baseline p99 20000000"), baseline);
        Map<String, Object> staging = items.stream().filter(a -> a.get("type").equals("DATA_STAGING")).findFirst().orElseThrow();
        assertEquals("10.1.0.23 pulled 150.0 MB from 5 internal hosts, then sent 130.0 MB to " + CLOUD + " within the hour",
                staging.get("summary"));
    }
}
