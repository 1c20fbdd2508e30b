package io.vigil.detection.family.exfiltration;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.baseline.service.BaselineService;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.cycle.FindingGate;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.support.Judging;
import io.vigil.detection.support.ProjectCaptures;
import io.vigil.detection.support.TestCustomers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's exfiltration captures (tests/captures, recorded by scripts/make-exfil-captures in network namespaces
 * with jumbo frames; the README there says what each one is), metered by the real sensor and judged by the cycle for
 * customers whose network is 10.79.0.0/24 (198.51.100.0/24 is the internet).
 */
@QuarkusTest
class ExfilCapturesIT {

    static final String WORKSTATION = "10.79.0.21";

    @Inject
    DetectionCycle cycle;

    @Inject
    BaselineService baselines;

    @Inject
    Pool pool;


    private DetectionCycle.TenantRun judged(String tenant, String capture, Instant start, Instant received) throws Exception {
        return ProjectCaptures.judged(cycle, tenant, capture, start, received);
    }

    private static List<Map<String, Object>> alerts(String tenant) {
        return Judging.alerts(tenant);
    }

    @Test
    void aNewHostsUploadsAlertInTheCycleTheirHourCrossesTheGigabyteFloor() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = TestCustomers.create(pool, "10.79.0.0/24");
        // 157 MB each: six within the hour are 945 MB, under 1 GiB; the seventh makes 1.10 GB.
        for (int i = 0; i < 6; i++) {
            DetectionCycle.TenantRun run = judged(tenant, "large-upload.pcap", now.minusSeconds(3000 - i * 300L), now.plusSeconds(i));
            assertEquals(List.of(), run.findings(), "upload " + (i + 1));
            assertEquals(FindingGate.DropReason.BASELINE, run.dropped().get(0).reason());
        }
        DetectionCycle.TenantRun seventh = judged(tenant, "large-upload.pcap", now.minusSeconds(60), now.plusSeconds(6));
        assertEquals(List.of(AlertType.UNUSUAL_UPLOAD), seventh.findings().stream().map(f -> f.type()).toList());
        Map<String, Object> alert = alerts(tenant).get(0);
        // The workstation is the customer's only active host, and the first to reach 198.51.100.10: rare.
        assertEquals(WORKSTATION + " sent 1.1 GB to 198.51.100.10, a rare destination, within the hour", alert.get("summary"));
        assertEquals("HIGH", alert.get("severity"));
        Map<String, Object> evidence = Judging.detail(tenant, alert).getMap("evidence");
        assertEquals(List.of("198.51.100.10"), evidence.get("rareDestinations"));
        List<?> timeline = (List<?>) evidence.get("timeline");
        long charted = timeline.stream().mapToLong(m -> ((Number) ((Map<?, ?>) m).get("bytes")).longValue()).sum();
        assertEquals(((Number) evidence.get("externalBytesLastHour")).longValue(), charted, "the chart adds up to the hour: " + timeline);
    }

    @Test
    void pullingFromFiveFileServersThenUploadingIsDataStaging() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = TestCustomers.create(pool, "10.79.0.0/24");
        judged(tenant, "staging-then-upload.pcap", now.minusSeconds(60), now);
        List<Map<String, Object>> items = alerts(tenant);
        assertEquals(1, items.size(), items.toString());
        assertEquals("DATA_STAGING", items.get(0).get("type"));
        assertEquals(WORKSTATION + " pulled 105.1 MB from 5 internal hosts, then sent 126.0 MB to 198.51.100.10, a rare destination,"
                        + " within the hour",
                items.get(0).get("summary"));
        assertEquals(List.of("T1041", "T1074"), items.get(0).get("mitre"));
    }

    @Test
    void aLargeDownloadAndTheNightlyBackupRaiseNothing() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = TestCustomers.create(pool, "10.79.0.0/24");
        DetectionCycle.TenantRun browsing = judged(tenant, "web-browsing.pcap", now.minusSeconds(60), now);
        assertTrue(browsing.findings().isEmpty() && browsing.dropped().isEmpty(), "50 MB in, 23 KB out: nothing to judge");
        for (int night = 8; night >= 1; night--) {
            judged(tenant, "nightly-backup.pcap", now.minus(Duration.ofDays(night)).minusSeconds(120), now.plusSeconds(1));
        }
        baselines.refresh(tenant, now.plusSeconds(2));
        DetectionCycle.TenantRun tonight = judged(tenant, "nightly-backup.pcap", now.minusSeconds(120), now.plusSeconds(3));
        assertEquals(List.of(), tonight.findings());
        assertEquals(List.of(), alerts(tenant));
    }
}
