package io.vigil.portal.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FlowTest {

    private static Flow from(String zeekUid, String exporter, long samplingRate) {
        return new Flow(0, 1, "10.0.0.5", 40000, "10.0.0.9", 22, 6, "S0", "S", 1, 60, 0, 0, 0, 0, zeekUid, exporter,
                samplingRate);
    }

    @Test
    void aFlowNamesWhereAnAnalystFindsItAgain() {
        assertEquals("sensor", from(null, null, 0).origin());
        assertEquals("Zeek CHhAvVGS1DHFjwGM9", from("CHhAvVGS1DHFjwGM9", null, 0).origin());
        assertEquals("exporter 192.0.2.1", from(null, "192.0.2.1", 1).origin());
        assertEquals("exporter 192.0.2.1 (1 in 100)", from(null, "192.0.2.1", 100).origin());
    }
}
