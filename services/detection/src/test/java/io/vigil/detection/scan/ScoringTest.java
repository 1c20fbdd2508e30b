package io.vigil.detection.scan;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoringTest {

    @Test
    void summaryReadsLikeAnAnalystWouldWriteIt() {
        assertEquals("10.0.0.5 probed 212 hosts on 22/tcp in 40 s; 6 answered",
                Scoring.summary(ScanType.HORIZONTAL, "10.0.0.5", List.of("10.0.0.1"), 212, List.of("22/tcp"), 1, 6, 0, 40_000));
        assertEquals("192.168.2.154 probed 10 ports of 192.168.2.22 in 0.1 s; 0 answered",
                Scoring.summary(ScanType.VERTICAL, "192.168.2.154", List.of("192.168.2.22"), 1, List.of(), 10, 0, 0, 100));
        assertEquals("10.0.0.128 swept 255 hosts (ICMP echo) in 2.5 h; 2 answered",
                Scoring.summary(ScanType.HOST_SWEEP, "10.0.0.128", List.of(), 255, List.of("0/icmp"), 1, 2, 0, 9_000_000));
        assertEquals("10.78.0.66 swept 40 hosts (ICMP echo and ACK ping) in 1.2 s; 40 answered",
                Scoring.summary(ScanType.HOST_SWEEP, "10.78.0.66", List.of(), 40, List.of("0/icmp", "80/tcp"), 2, 40, 0, 1_200));
        assertEquals("8 sources probed 24 hosts of 10.78.0.0/24 on 23/tcp in 3.1 s; 0 answered",
                Scoring.distributedSummary("23/tcp 10.78.0.0/24", 8, 24, 0, 0, 3_100));
    }

    @Test
    void lateralReconnaissanceOutranksInternetNoise() {
        int lateral = Scoring.score(Direction.LATERAL, 256, 1, 0);
        int inbound = Scoring.score(Direction.INBOUND, 256, 1, 0);
        assertTrue(lateral > inbound);
        assertEquals(Scoring.Severity.HIGH, Scoring.severity(lateral));
        assertEquals(Scoring.Severity.MEDIUM, Scoring.severity(inbound));
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
