package io.vigil.sensor.export;

import io.grpc.Metadata;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C trace context ({@code traceparent}) for one call to ingest: a fresh trace id and parent span id, sampled.
 *
 * <p>The sensor records no spans of its own (no OpenTelemetry SDK in the sensor or its jlink'd runtime): the header only
 * makes ingest's server span of the call start a trace whose id the sensor logs, so one id finds the call on both sides.
 * Ids are random, never derived from the sensor's identity or token.
 */
record TraceParent(String traceId, String spanId) {

    static final Metadata.Key<String> HEADER = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
    private static final HexFormat HEX = HexFormat.of();

    static TraceParent random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        // All-zero ids are invalid: force a bit on in each.
        return new TraceParent(HEX.toHexDigits(r.nextLong() | 1) + HEX.toHexDigits(r.nextLong()),
                HEX.toHexDigits(r.nextLong() | 1));
    }

    /** The header value, version 00, flags 01 (sampled). */
    String header() {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    void addTo(Metadata headers) {
        headers.put(HEADER, header());
    }
}
