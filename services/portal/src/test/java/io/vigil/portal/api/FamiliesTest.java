package io.vigil.portal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FamiliesTest {

    static Alert alert(String family, String type, String source, int sourceCount, String evidence) throws Exception {
        JsonNode own = evidence == null ? null : new ObjectMapper().readTree(evidence);
        return new Alert("a1", "c1", family, type, source, "OPEN", "HIGH", 70, "INTERNAL", false, List.of(), "", 1, 1,
                sourceCount, 1, 1, 0, 1, 0, null, null, 0, null, null, null, null, null, null, null, null, own, null, List.of());
    }

    @Test
    void reconnaissanceReadsAsAScanFromItsSource() throws Exception {
        assertEquals("Vertical scan from 10.0.0.5", alert("RECONNAISSANCE", "VERTICAL", "10.0.0.5", 1, null).headline());
        assertEquals("Host sweep from 10.0.0.5", alert("RECONNAISSANCE", "HOST_SWEEP", "10.0.0.5", 1, null).headline());
        assertEquals("UDP scan from fd00::5", alert("RECONNAISSANCE", "UDP", "fd00::5", 1, null).headline());
        assertEquals("Probing and Reconnaissance", alert("RECONNAISSANCE", "UDP", "fd00::5", 1, null).familyTitle());
    }

    @Test
    void distributedScanReadsByItsServiceAndPrefixNotAsASource() throws Exception {
        Alert a = alert("RECONNAISSANCE", "DISTRIBUTED", "23/tcp 10.78.0.0/24", 8, null);
        assertEquals("Distributed scan of 23/tcp across 10.78.0.0/24 from 8 sources", a.headline());
        assertFalse(a.addressSource());
        assertTrue(alert("RECONNAISSANCE", "VERTICAL", "10.0.0.5", 1, null).addressSource());
    }

    @Test
    void otherAndUnknownFamiliesAreNoScansAndStillRead() throws Exception {
        Alert c2 = alert("COMMAND_AND_CONTROL", "BEACONING", "10.0.0.7", 1, null);
        assertEquals("Beaconing — 10.0.0.7", c2.headline());
        assertEquals("Command and Control", c2.familyTitle());
        Alert unknown = alert("DATA_HOARDING", "LARGE_ARCHIVE", "10.0.0.8", 1, null);
        assertEquals("Large archive — 10.0.0.8", unknown.headline());
        assertEquals("Data hoarding", unknown.familyTitle());
        assertEquals("large archive", unknown.typeLabel());
    }

    @Test
    void reconnaissanceEvidenceNamesItsProbeKindsInWords() throws Exception {
        Alert ack = alert("RECONNAISSANCE", "VERTICAL", "10.0.0.5", 1,
                "{\"probes\":[\"SYN\",\"ACK_PING\",\"STEALTH\",\"ICMP_ECHO\",\"UDP\",\"NEW_KIND\"]}");
        assertEquals(List.of(new Families.Fact("probes", "Probe kinds",
                "SYN, ACK (firewall mapping), FIN/NULL/Xmas, ICMP echo, UDP, New kind")), ack.evidenceFacts());
    }

    @Test
    void anUnknownFamilysEvidenceShowsEachFieldAsItComes() throws Exception {
        Alert a = alert("EXFILTRATION", "UPLOAD", "10.0.0.9", 1, "{\"bytesOut\":123456,\"destinations\":[\"a.example\",\"b.example\"]}");
        assertEquals(List.of(new Families.Fact("bytesOut", "Bytes out", "123456"),
                new Families.Fact("destinations", "Destinations", "a.example, b.example")), a.evidenceFacts());
        assertEquals(List.of(), alert("RECONNAISSANCE", "VERTICAL", "10.0.0.5", 1, null).evidenceFacts());
    }

    @Test
    void anUploadsTimelineIsDrawnNotListedAmongItsFacts() throws Exception {
        Alert a = alert("EXFILTRATION", "UNUSUAL_UPLOAD", "10.0.0.9", 1, "{\"externalBytesLastHour\":1200000000,"
                + "\"destinations\":[\"198.51.100.10 443/tcp 1.2 GB\"],\"timeline\":[{\"minute\":\"2026-12-07T17:03:00Z\",\"bytes\":5}]}");
        assertEquals(List.of("externalBytesLastHour", "destinations"), a.evidenceFacts().stream().map(Families.Fact::field).toList());
        // another family's field of that name still reads as it comes
        Alert other = alert("DATA_HOARDING", "LARGE_ARCHIVE", "10.0.0.8", 1, "{\"timeline\":[1,2]}");
        assertEquals(List.of(new Families.Fact("timeline", "Timeline", "1, 2")), other.evidenceFacts());
    }

    @Test
    void typesFollowTheirFamily() {
        assertEquals(List.of("HORIZONTAL", "VERTICAL", "HOST_SWEEP", "UDP", "STEALTH", "DISTRIBUTED"), Families.types("RECONNAISSANCE"));
        assertEquals(List.of(), Families.types("ASSET"));
        assertEquals("RECONNAISSANCE", Families.familyOf("DISTRIBUTED"));
        assertEquals(null, Families.familyOf("BEACONING"));
        assertEquals(List.of("NEW_ADMIN_EDGE", "AUTH_BRUTE_FORCE", "EXTERNAL_BRUTE_FORCE"), Families.types("LATERAL_MOVEMENT"));
        assertEquals("LATERAL_MOVEMENT", Families.familyOf("AUTH_BRUTE_FORCE"));
        assertEquals(List.of("UNUSUAL_UPLOAD", "DATA_STAGING"), Families.types("EXFILTRATION"));
        assertEquals(11, Families.types(null).size(), "every known type, family by family");
    }

    @Test
    void lateralMovementAndExfiltrationReadByWhatTheirActorDid() throws Exception {
        assertEquals("New admin login by 10.0.0.21", alert("LATERAL_MOVEMENT", "NEW_ADMIN_EDGE", "10.0.0.21", 1, null).headline());
        assertEquals("Password guessing from the internet by 203.0.113.9",
                alert("LATERAL_MOVEMENT", "EXTERNAL_BRUTE_FORCE", "203.0.113.9", 1, null).headline());
        assertEquals("Unusual upload by 10.0.0.21", alert("EXFILTRATION", "UNUSUAL_UPLOAD", "10.0.0.21", 1, null).headline());
    }
}
