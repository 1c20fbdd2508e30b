package io.vigil.portal.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.portal.api.Alert;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The alert page's parts from detection's answers, with the alert's JSON stubbed as detection writes it. */
class AlertDetailResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final String TIMELINE = "\"timeline\":[{\"minute\":\"2026-12-07T17:03:00Z\",\"bytes\":300000000},"
            + "{\"minute\":\"2026-12-07T17:05:00Z\",\"bytes\":900000000}]";

    private static Alert alert(String family, String type, String evidence) throws Exception {
        return JSON.readValue("{\"id\":\"al_1\",\"customerId\":\"c1\",\"family\":\"" + family + "\",\"type\":\"" + type + "\","
                + "\"source\":\"10.1.0.21\",\"status\":\"OPEN\",\"severity\":\"HIGH\",\"targetCount\":1,\"portCount\":1,"
                + "\"sourceCount\":1,\"targets\":[\"198.51.100.10\"],\"ports\":[\"443/tcp\"],\"firstSeen\":\"2026-12-07T17:03:10Z\","
                + "\"evidence\":" + evidence + "}", Alert.class);
    }

    private static AlertDetail detail(Alert a) {
        return AlertDetailResource.detail(null, a, List.of(), List.of());
    }

    @Test
    void anUploadsPageDrawsItsBytesPerMinuteAndProposesItsSourceAndPort() throws Exception {
        AlertDetail d = detail(alert("EXFILTRATION", "UNUSUAL_UPLOAD", "{\"externalBytesLastHour\":1200000000,"
                + "\"destinations\":[\"198.51.100.10 443/tcp 1.2 GB\"]," + TIMELINE + "}"));
        assertTrue(d.uploads().startsWith("<svg") && d.uploads().contains("aria-label=\"Bytes 10.1.0.21 sent to external hosts"
                + " per minute, 2026-12-07 17:03 to 17:05 UTC: 1.2 GB in all, at most 900.0 MB in a minute\""), d.uploads());
        assertEquals(List.of("externalBytesLastHour", "destinations"),
                d.alert().evidenceFacts().stream().map(f -> f.field()).toList(), "the timeline is drawn, not listed");
        assertEquals("10.1.0.21/32", d.suppressCidr());
        assertEquals(443, d.suppressPort());
        assertEquals("", d.evidence(), "no flows stubbed");
    }

    @Test
    void stagingIsAnUploadToo() throws Exception {
        AlertDetail d = detail(alert("EXFILTRATION", "DATA_STAGING", "{\"pulledBytes\":150000000,\"pulledFromHosts\":5,"
                + TIMELINE + "}"));
        assertTrue(d.uploads().contains("at most 900.0 MB in a minute"), d.uploads());
    }

    @Test
    void noTimelineOrNoUploadMeansNoChart() throws Exception {
        assertEquals("", detail(alert("EXFILTRATION", "UNUSUAL_UPLOAD", "{\"externalBytesLastHour\":1200000000}")).uploads(),
                "detection before it writes a timeline");
        assertEquals("", detail(alert("EXFILTRATION", "UNUSUAL_UPLOAD", "null")).uploads());
        assertEquals("", detail(alert("LATERAL_MOVEMENT", "AUTH_BRUTE_FORCE", "{" + TIMELINE + "}")).uploads(),
                "only uploads are drawn by the minute");
    }
}
