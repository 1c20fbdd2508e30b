package io.vigil.detection.family.lateral;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.baseline.service.BaselineService;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.model.Finding;
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
 * The project's lateral-movement captures (tests/captures, recorded by scripts/make-lateral-captures with a real sshd,
 * smbd, hydra and smbclient in network namespaces; the README there says what each one is), metered by the real
 * sensor and judged by the cycle. A learned customer has, eight days ago, the jump host's SSH rounds
 * (admin-rounds.pcap) and the file server's clients (file-server-clients.pcap); then each case is today's traffic.
 */
@QuarkusTest
class LateralCapturesIT {

    static final String WORKSTATION = "10.79.0.21";
    static final String SERVER = "10.79.0.10";

    @Inject
    DetectionCycle cycle;

    @Inject
    BaselineService baselines;

    @Inject
    Pool pool;

    private DetectionCycle.TenantRun judged(String tenant, String capture, Instant start, Instant received) throws Exception {
        return ProjectCaptures.judged(cycle, tenant, capture, start, received);
    }

    /** A customer that learned for eight days: the jump host's rounds and the file server's clients, each day. */
    private String learned(Instant now) throws Exception {
        String tenant = TestCustomers.create(pool, "10.79.0.0/24");
        for (int day = 8; day >= 1; day--) {
            Instant at = now.minus(Duration.ofDays(day));
            judged(tenant, "admin-rounds.pcap", at, now);
            judged(tenant, "file-server-clients.pcap", at.plusSeconds(600), now);
        }
        baselines.refresh(tenant, now);
        return tenant;
    }

    private static List<Map<String, Object>> alerts(String tenant) {
        return Judging.alerts(tenant);
    }

    private static Map<String, Object> detail(String tenant, Map<String, Object> alert) {
        return Judging.detail(tenant, alert).getMap("");
    }

    @Test
    void hydraAgainstSshIsOneBruteForceFromTheGuesser() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = TestCustomers.create(pool, "10.79.0.0/24");
        judged(tenant, "ssh-brute-force.pcap", now.minusSeconds(30), now);
        List<Map<String, Object>> items = alerts(tenant);
        assertEquals(1, items.size(), "a new customer learns its edges; the guessing alerts at once: " + items);
        assertEquals("AUTH_BRUTE_FORCE", items.get(0).get("type"));
        assertEquals("10.79.0.66", items.get(0).get("source"));
        assertEquals(List.of(SERVER), detail(tenant, items.get(0)).get("targets"));
        assertEquals(15, ((Number) items.get(0).get("attempts")).intValue(), "hydra's 15 connections, up to 6 guesses each");
    }

    @Test
    void afterLearningTheJumpHostsRoundsAndTheFileServersClientsRaiseNothing() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = learned(now);
        Instant later = now.plusSeconds(5);
        assertEquals(List.of(), judged(tenant, "admin-rounds.pcap", later.minusSeconds(60), later).findings());
        assertEquals(List.of(), judged(tenant, "file-server-clients.pcap", later.minusSeconds(50), later.plusSeconds(1)).findings());
        assertEquals(List.of(), alerts(tenant));
    }

    @Test
    void afterLearningAWorkstationsFirstSshLoginIsANewAdminEdgeAndItsLaterSessionIsNot() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = learned(now);
        Instant later = now.plusSeconds(5);
        List<Finding> first = judged(tenant, "ssh-admin-login.pcap", later.minusSeconds(60), later).findings();
        assertEquals(List.of("NEW_ADMIN_EDGE " + WORKSTATION), first.stream().map(f -> f.type() + " " + f.source()).toList());
        Map<String, Object> alert = alerts(tenant).get(0);
        assertEquals(WORKSTATION + " logged in to " + SERVER + " over SSH (22/tcp) for the first time", alert.get("summary"));
        // The long session with its scp copies: a known edge now, and no guessing.
        assertEquals(List.of(), judged(tenant, "ssh-session-long.pcap", later.minusSeconds(30), later.plusSeconds(2)).findings());
    }

    @Test
    void afterLearningRdpToTenNewHostsIsOneCriticalNewAdminEdge() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = learned(now);
        Instant later = now.plusSeconds(5);
        judged(tenant, "rdp-connect-loop.pcap", later.minusSeconds(60), later);
        List<Map<String, Object>> items = alerts(tenant);
        assertEquals(1, items.size(), items.toString());
        assertEquals("NEW_ADMIN_EDGE", items.get(0).get("type"));
        assertEquals(10, ((Number) items.get(0).get("targetCount")).intValue());
        assertEquals("CRITICAL", items.get(0).get("severity"));
        assertEquals(List.of("T1021.001"), items.get(0).get("mitre"));
    }

    @Test
    void afterLearningSmbUseOfTheServerByAWorkstationIsANewAdminEdgeOn445() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = learned(now);
        Instant later = now.plusSeconds(5);
        judged(tenant, "smb-lateral.pcap", later.minusSeconds(60), later);
        List<Map<String, Object>> items = alerts(tenant);
        assertEquals(1, items.size(), items.toString());
        assertEquals(List.of("445/tcp"), detail(tenant, items.get(0)).get("ports"));
        assertEquals(List.of("T1021.002"), items.get(0).get("mitre"));
    }

    @Test
    void afterLearningHydraSprayingTenHostsIsOneBruteForceOverAllOfThem() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tenant = learned(now);
        Instant later = now.plusSeconds(5);
        judged(tenant, "ssh-spray.pcap", later.minusSeconds(60), later);
        List<Map<String, Object>> items = alerts(tenant);
        assertEquals(1, items.size(), "one brute force, and the guesses are no new admin edges: " + items);
        assertEquals("AUTH_BRUTE_FORCE", items.get(0).get("type"));
        assertEquals(10, ((Number) items.get(0).get("targetCount")).intValue());
        assertEquals(30, ((Number) items.get(0).get("attempts")).intValue(), "three connections a host, none alone a brute force");
        assertEquals(List.of("T1021.004", "T1110.003"), items.get(0).get("mitre"));
    }
}
