package io.vigil.tests.system;

import io.vigil.lib.testing.OtlpReceiver;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing from the sensor into ingest: the built ingest with tracing turned on (its documented settings) exports to an
 * in-test OTLP/HTTP receiver (standing in for a collector), and an enrolled vigil-sensor with
 * {@code export.trace-context=true} replays a capture. Ingest's server span of the Export stream carries the trace id
 * the sensor sent and logged, and no span attribute carries the sensor's token or secret.
 */
class TracingST {

    private static final Pattern TRACE_ID = Pattern.compile("Export stream opened with trace id ([0-9a-f]{32})");

    @Test
    void aSensorExportStreamAndIngestsServerSpanShareOneTraceId() throws Exception {
        try (OtlpReceiver collector = new OtlpReceiver();
             Pipeline pipeline = Pipeline.start("tracing-st", "vigil_tracing_st", collector.serviceEnv(),
                     Map.of("VIGIL_NOTIFY_ENABLED", "false"))) {
            String admin = SystemStack.userToken("msp-a-admin");
            String customer = pipeline.createCustomer(admin, "tracing " + Long.toString(System.nanoTime(), 36),
                    List.of("10.77.0.0/16"));
            Path sensorConfig = pipeline.enrollSensor(admin, customer);
            Files.writeString(sensorConfig.resolve("sensor.properties"), "\nexport.trace-context=true\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Path capture = pipeline.work.resolve("udp.pcap");
            SystemStack.writeUdpCapture(capture, 2, 50);

            Pipeline.replay(sensorConfig, capture);

            String log = Files.readString(sensorConfig.resolve("sensor.log"));
            Matcher m = TRACE_ID.matcher(log);
            assertTrue(m.find(), "the sensor logs the trace id of its Export stream; see " + sensorConfig.resolve("sensor.log"));
            String traceId = m.group(1);
            OtlpReceiver.Span export = collector.await(s -> s.service().equals("vigil-ingest")
                    && s.kind() == OtlpReceiver.Span.SERVER && s.traceId().equals(traceId), Duration.ofSeconds(30),
                    "of vigil-ingest's server in trace " + traceId);
            assertTrue(export.name().contains("Export"), "the span is the Export call: " + export);
            assertFalse(export.parentSpanId().isEmpty(), "its parent is the sensor's span id from traceparent");

            Properties secrets = Pipeline.credentials(sensorConfig);
            String secret = secrets.getProperty("client-secret");
            assertTrue(secret != null && !secret.isBlank(), "the sensor holds a client secret");
            for (OtlpReceiver.Span span : collector.spans()) {
                for (Map.Entry<String, String> a : span.attributes().entrySet()) {
                    assertFalse(a.getValue().contains(secret) || a.getValue().toLowerCase().contains("bearer")
                                    || a.getValue().startsWith("eyJ"),
                            "no secret or token in span attribute " + a.getKey() + " of " + span.name());
                }
            }
            List<OtlpReceiver.Span> inTrace = collector.spans().stream().filter(s -> s.traceId().equals(traceId)
                    && s.kind() == OtlpReceiver.Span.SERVER).toList();
            assertEquals(1, inTrace.size(), "one server span for the one stream: " + inTrace);
        }
    }
}
