package io.vigil.detection.notify.service;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vigil.detection.notify.NotifyConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
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
    private Vertx vertx;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", ex -> {
            seen.add(ex.getRequestURI() + " Host=" + ex.getRequestHeaders().getFirst("Host"));
            ex.getRequestBody().readAllBytes();
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
