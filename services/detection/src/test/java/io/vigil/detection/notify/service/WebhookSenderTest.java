package io.vigil.detection.notify.service;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vigil.detection.notify.NotifyConfig;
import io.vigil.detection.notify.StandardWebhookSignature;
import io.vigil.detection.notify.WebhookSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The webhook sender against a real HTTP server on loopback: it connects to the address its guard checked, never
 * resolving the name again (a name only the guard's resolver knows still arrives, with its own Host header), and it
 * follows no redirect.
 */
class WebhookSenderTest {

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private Vertx vertx;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", ex -> {
            seen.add(ex.getRequestURI() + " Host=" + ex.getRequestHeaders().getFirst("Host"));
            Map<String, String> h = new HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            headers.add(h);
            bodies.add(ex.getRequestBody().readAllBytes());
            if (ex.getRequestURI().getPath().equals("/moved")) {
                ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + port() + "/internal");
                ex.sendResponseHeaders(302, -1);
            } else {
                ex.sendResponseHeaders(204, -1);
            }
            ex.close();
        });
        server.start();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        vertx.close();
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private static NotifyConfig config() {
        // the shipped defaults, with Quarkus' reading of "5s"
        return new SmallRyeConfigBuilder().withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValue("vigil.notify.secret-key", java.util.Base64.getEncoder().encodeToString(new byte[32]))
                .withMapping(NotifyConfig.class).build().getConfigMapping(NotifyConfig.class);
    }

    @Test
    void connectsToTheCheckedAddressWithoutResolvingTheNameAgain() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        // ".invalid" never resolves through DNS: only a connection to the checked address can arrive
        AddressGuard guard = new AddressGuard(true, host -> {
            lookups.incrementAndGet();
            assertEquals("hooks.invalid", host);
            return new InetAddress[]{InetAddress.getByName("127.0.0.1")};
        });
        WebhookSender sender = new WebhookSender(config(), vertx, "test", guard);
        SendResult r = sender.send("http://hooks.invalid:" + port() + "/in/a1?k=v", "whsec_x", "dl-1", "test", "{}");
        assertTrue(r.ok(), r.toString());
        assertEquals(204, r.statusCode());
        assertEquals(List.of("/in/a1?k=v Host=hooks.invalid:" + port()), seen);
        assertEquals(1, lookups.get(), "the name is resolved once, by the guard");
    }

    @Test
    void eachAttemptCarriesTheStandardWebhookHeadersAndTheVigilSignatureWithOneTimestamp() throws Exception {
        AddressGuard guard = new AddressGuard(true, host -> new InetAddress[]{InetAddress.getByName("127.0.0.1")});
        WebhookSender sender = new WebhookSender(config(), vertx, "test", guard);
        String secret = StandardWebhookSignature.newSecret();
        String body = "{\"id\":\"dl-8\",\"type\":\"alert.resolved\"}";
        long before = java.time.Instant.now().getEpochSecond();
        assertTrue(sender.send("http://hooks.invalid:" + port() + "/in", secret, "dl-8", "alert.resolved", body).ok());
        assertTrue(sender.send("http://hooks.invalid:" + port() + "/in", secret, "dl-8", "alert.resolved", body).ok());
        assertEquals(2, headers.size());
        for (int i = 0; i < 2; i++) {
            Map<String, String> h = headers.get(i);
            assertEquals("dl-8", h.get("webhook-id"), "the delivery id, the same on a retry");
            long t = Long.parseLong(h.get("webhook-timestamp"));
            assertTrue(t >= before && t <= before + 5, h.toString());
            assertTrue(h.get("webhook-signature").matches("v1,[A-Za-z0-9+/]{43}="), h.get("webhook-signature"));
            assertTrue(StandardWebhookSignature.verify(secret, h.get("webhook-id"), h.get("webhook-timestamp"),
                    h.get("webhook-signature"), bodies.get(i), t, 300));
            assertTrue(h.get("vigil-signature").startsWith("t=" + t + ",v1="), "both signatures use one timestamp");
            assertTrue(WebhookSignature.verify(secret, h.get("vigil-signature"), bodies.get(i), t, 300));
            assertEquals("dl-8", h.get("vigil-delivery"));
            assertEquals("alert.resolved", h.get("vigil-event"));
        }
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() throws Exception {
        AddressGuard guard = new AddressGuard(true, host -> new InetAddress[]{InetAddress.getByName("127.0.0.1")});
        SendResult r = new WebhookSender(config(), vertx, "test", guard)
                .send("http://hooks.invalid:" + port() + "/moved", "whsec_x", "dl-2", "test", "{}");
        assertFalse(r.ok());
        assertEquals(302, r.statusCode());
        assertEquals(1, seen.size(), "the redirect's target was never asked: " + seen);
    }

    @Test
    void aNonPublicReceiverIsNeverContacted() {
        SendResult r = new WebhookSender(config(), vertx, "test", new AddressGuard(false, AddressGuard.DNS))
                .send("http://[::127.0.0.1]:" + port() + "/in", "whsec_x", "dl-3", "test", "{}");
        assertFalse(r.ok());
        assertTrue(seen.isEmpty());
    }

    /** What the delivery log shows is a category; the host, addresses and exception are in the detail (the server log). */
    @Test
    void failuresAreCategoriesThatNameNoAddress() throws Exception {
        WebhookSender prod = new WebhookSender(config(), vertx, "test", new AddressGuard(false, AddressGuard.DNS));
        SendResult refused = prod.send("http://localhost:" + port() + "/in", "whsec_x", "dl-4", "test", "{}");
        assertEquals("refused: non-public address", refused.error());
        assertTrue(refused.detail().contains("127.0.0.1") || refused.detail().contains("0:0:0:0:0:0:0:1"), refused.detail());
        assertEquals("refused: unknown host", prod.send("http://no-such-host.invalid/in", "whsec_x", "dl-5", "test", "{}").error());

        WebhookSender local = new WebhookSender(config(), vertx, "test", new AddressGuard(true, AddressGuard.DNS));
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        SendResult connect = local.send("http://127.0.0.1:" + closed + "/in", "whsec_x", "dl-6", "test", "{}");
        assertEquals("connect failed", connect.error(), connect.detail());
        assertTrue(connect.detail().contains(String.valueOf(closed)), connect.detail());
        SendResult moved = local.send("http://127.0.0.1:" + port() + "/moved", "whsec_x", "dl-7", "test", "{}");
        assertEquals("HTTP 302", moved.error());
    }
}
