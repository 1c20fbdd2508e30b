package io.vigil.lib.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver on loopback: it stands in for an OpenTelemetry collector (no collector binary runs on the
 * build machines). It accepts {@code POST /v1/traces} in protobuf (the services' exporter with
 * {@code quarkus.otel.exporter.otlp.protocol=http/protobuf}), answers 200 with an empty ExportTraceServiceResponse and
 * keeps every span it was sent.
 *
 * <p>The request is decoded by field number (opentelemetry-proto's trace.proto and common.proto) with protobuf's
 * {@link UnknownFieldSet}, as opentelemetry-proto's generated classes are not among the project's dependencies: only
 * the fields the tests read (ids, parent, name, kind, string attributes and the resource's {@code service.name}).
 */
public final class OtlpReceiver implements AutoCloseable {

    /** A received span; ids in lower-case hex, {@code parentSpanId} empty for a root span. */
    public record Span(String service, String traceId, String spanId, String parentSpanId, String name, int kind,
                       Map<String, String> attributes) {
        /** SpanKind SERVER in OTLP. */
        public static final int SERVER = 2;
        /** SpanKind CLIENT in OTLP. */
        public static final int CLIENT = 3;
    }

    private static final HexFormat HEX = HexFormat.of();
    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();

    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (exchange) {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                InputStream in = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    in = new GZIPInputStream(in);
                }
                try {
                    spans.addAll(decode(in.readAllBytes()));
                } catch (InvalidProtocolBufferException e) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    /** The base URL to give an exporter as {@code quarkus.otel.exporter.otlp.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The settings (environment) that turn a packaged service's tracing on, exporting here, in batches of at most 200 ms. */
    public Map<String, String> serviceEnv() {
        return Map.of("QUARKUS_OTEL_SDK_DISABLED", "false",
                "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", endpoint(),
                "QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms");
    }

    public List<Span> spans() {
        return List.copyOf(spans);
    }

    /** Waits (at most {@code timeout}) for a span matching {@code wanted}; the first such, or an AssertionError. */
    public Span await(Predicate<Span> wanted, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (Span s : spans) {
                if (wanted.test(s)) {
                    return s;
                }
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no span " + what + " in " + timeout + "; received: " + summary());
    }

    private String summary() {
        List<String> out = new ArrayList<>();
        for (Span s : spans) {
            out.add(s.service() + ":" + s.name() + "(kind " + s.kind() + ", trace " + s.traceId() + ")");
        }
        return out.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static List<Span> decode(byte[] body) throws InvalidProtocolBufferException {
        List<Span> out = new ArrayList<>();
        // ExportTraceServiceRequest.resource_spans = 1
        for (ByteString rs : UnknownFieldSet.parseFrom(body).getField(1).getLengthDelimitedList()) {
            UnknownFieldSet resourceSpans = UnknownFieldSet.parseFrom(rs);
            String service = "";
            // ResourceSpans.resource = 1 → Resource.attributes = 1
            for (ByteString r : resourceSpans.getField(1).getLengthDelimitedList()) {
                service = attributes(UnknownFieldSet.parseFrom(r)).getOrDefault("service.name", "");
            }
            // ResourceSpans.scope_spans = 2 → ScopeSpans.spans = 2
            for (ByteString ss : resourceSpans.getField(2).getLengthDelimitedList()) {
                for (ByteString sp : UnknownFieldSet.parseFrom(ss).getField(2).getLengthDelimitedList()) {
                    UnknownFieldSet span = UnknownFieldSet.parseFrom(sp);
                    // Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6, attributes = 9
                    out.add(new Span(service, hex(span, 1), hex(span, 2), hex(span, 4), string(span, 5),
                            span.getField(6).getVarintList().isEmpty() ? 0 : span.getField(6).getVarintList().get(0).intValue(),
                            attributes(span, 9)));
                }
            }
        }
        return out;
    }

    private static Map<String, String> attributes(UnknownFieldSet message) throws InvalidProtocolBufferException {
        return attributes(message, 1);
    }

    /** KeyValue (key = 1, value = 2: AnyValue, string_value = 1; other value kinds as their raw field text). */
    private static Map<String, String> attributes(UnknownFieldSet message, int field) throws InvalidProtocolBufferException {
        Map<String, String> out = new LinkedHashMap<>();
        for (ByteString kv : message.getField(field).getLengthDelimitedList()) {
            UnknownFieldSet pair = UnknownFieldSet.parseFrom(kv);
            String value = "";
            for (ByteString any : pair.getField(2).getLengthDelimitedList()) {
                UnknownFieldSet v = UnknownFieldSet.parseFrom(any);
                value = v.hasField(1) ? string(v, 1) : v.toString().trim();
            }
            out.put(string(pair, 1), value);
        }
        return out;
    }

    private static String string(UnknownFieldSet message, int field) {
        List<ByteString> values = message.getField(field).getLengthDelimitedList();
        return values.isEmpty() ? "" : values.get(0).toStringUtf8();
    }

    private static String hex(UnknownFieldSet message, int field) {
        List<ByteString> values = message.getField(field).getLengthDelimitedList();
        return values.isEmpty() ? "" : HEX.formatHex(values.get(0).toByteArray());
    }
}
