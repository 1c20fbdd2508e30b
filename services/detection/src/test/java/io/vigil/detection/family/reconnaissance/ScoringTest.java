package io.vigil.detection.family.reconnaissance;

import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Direction;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.ProbeKind;
import io.vigil.detection.model.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoringTest {

    @Test
    void summaryReadsLikeAnAnalystWouldWriteIt() {
        assertEquals("10.0.0.5 probed 212 hosts on 22/tcp in 40 s; 6 answered",
                Scoring.summary(AlertType.HORIZONTAL, "10.0.0.5", List.of("10.0.0.1"), 212, List.of("22/tcp"), 1, 6, 0, 40_000, List.of(ProbeKind.SYN)));
        assertEquals("192.168.2.154 probed 10 ports of 192.168.2.22 in 0.1 s; 0 answered",
                Scoring.summary(AlertType.VERTICAL, "192.168.2.154", List.of("192.168.2.22"), 1, List.of(), 10, 0, 0, 100, List.of(ProbeKind.SYN)));
        assertEquals("10.0.0.128 swept 255 hosts (ICMP echo) in 2.5 h; 2 answered",
                Scoring.summary(AlertType.HOST_SWEEP, "10.0.0.128", List.of(), 255, List.of("0/icmp"), 1, 2, 0, 9_000_000, List.of(ProbeKind.SYN)));
        assertEquals("10.78.0.66 swept 40 hosts (ICMP echo and ACK ping) in 1.2 s; 40 answered",
                Scoring.summary(AlertType.HOST_SWEEP, "10.78.0.66", List.of(), 40, List.of("0/icmp", "80/tcp"), 2, 40, 0, 1_200, List.of(ProbeKind.SYN)));
        assertEquals("10.78.0.80 probed 500 ports of 10.78.0.10 with ACK probes in 0.5 s; 0 answered",
                Scoring.summary(AlertType.VERTICAL, "10.78.0.80", List.of("10.78.0.10"), 1, List.of(), 500, 0, 0, 500,
                        List.of(ProbeKind.ACK_PING)));
        assertEquals("8 sources probed 24 hosts of 10.78.0.0/24 on 23/tcp in 3.1 s; 0 answered",
                Scoring.distributedSummary("23/tcp 10.78.0.0/24", 8, 24, 0, 0, 3_100));
    }

    @Test
    void lateralReconnaissanceOutranksInternetNoise() {
        int lateral = Scoring.score(Direction.LATERAL, 256, 1, 0);
        int inbound = Scoring.score(Direction.INBOUND, 256, 1, 0);
        assertTrue(lateral > inbound);
        assertEquals(Severity.HIGH, Severity.of(lateral));
        assertEquals(Severity.MEDIUM, Severity.of(inbound));
        assertEquals(List.of("T1046"), Scoring.mitre(Direction.LATERAL));
        assertEquals(List.of("T1595"), Scoring.mitre(Direction.INBOUND));
    }

    @Test
    void networksDecideTheDirection() {
        Networks n = Networks.of(List.of("10.1.0.0/16", "fd00:a1::/48", "192.168.2.128/25"));
        assertEquals(Direction.LATERAL, n.direction("10.1.2.3", "10.1.255.1"));
        assertEquals(Direction.OUTBOUND, n.direction("10.1.2.3", "8.8.8.8"));
        assertEquals(Direction.INBOUND, n.direction("203.0.113.9", "fd00:a1:0:1::5"));
        assertEquals(Direction.EXTERNAL, n.direction("192.168.2.22", "10.2.0.1"));
        assertTrue(n.contains("192.168.2.154"));
        assertFalse(n.contains("not-an-ip"));
        assertFalse(Networks.NONE.contains("10.1.2.3"));
    }
}
