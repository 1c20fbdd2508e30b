package io.vigil.sensor.export;

import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceParentTest {

    @Test
    void headerIsAValidSampledW3cTraceparentWithAFreshTraceEachTime() {
        TraceParent a = TraceParent.random();
        TraceParent b = TraceParent.random();
        assertTrue(a.header().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), a.header());
        assertNotEquals("0".repeat(32), a.traceId());
        assertNotEquals("0".repeat(16), a.spanId());
        assertNotEquals(a.traceId(), b.traceId());
        Metadata headers = new Metadata();
        a.addTo(headers);
        assertEquals(a.header(), headers.get(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER)));
    }
}
