package io.vigil.detection.notify;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Syslog5424Test {

    @Test
    void headerHasPriVersionMillisecondUtcTimestampAndNilStructuredData() {
        assertEquals("<131>1 2026-11-28T03:04:05.006Z host vigil-detection 42 OPENED - CEF:0|x",
                Syslog5424.message(16, 3, Instant.parse("2026-11-28T03:04:05.006Z"), "host", "vigil-detection", "42",
                        "OPENED", "CEF:0|x"));
    }

    @Test
    void headerFieldsAreCutToTheirLengthsAndNonPrintableBecomesUnderscore() {
        String m = Syslog5424.message(16, 5, Instant.EPOCH, "my host\u00e9", "a".repeat(60), null, "m".repeat(40), "x");
        assertEquals("<133>1 1970-01-01T00:00:00.000Z my_host_ " + "a".repeat(48) + " - " + "m".repeat(32) + " - x", m);
    }

    @Test
    void octetCountingPrefixesTheLengthInBytesNotCharacters() {
        byte[] frame = Syslog5424.octetCounted("<131>1 é");
        assertEquals("9 <131>1 é", new String(frame, StandardCharsets.UTF_8));
    }

    @Test
    void refusesOutOfRangeFacilityOrSeverity() {
        assertThrows(IllegalArgumentException.class, () -> Syslog5424.message(24, 0, Instant.EPOCH, "h", "a", "p", "m", "x"));
        assertThrows(IllegalArgumentException.class, () -> Syslog5424.message(16, 8, Instant.EPOCH, "h", "a", "p", "m", "x"));
    }
}
