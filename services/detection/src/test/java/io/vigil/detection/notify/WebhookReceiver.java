package io.vigil.detection.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real webhook receiver on loopback (JDK HttpServer) that checks each request the way a customer's would, recomputed
 * here without the service's code: the Standard Webhooks signature (base64 HMAC over "id.timestamp.body", keyed with
 * the base64-decoded part of the whsec_ secret) and the Vigil-Signature HMAC over "t.body" keyed with the secret's
 * UTF-8 bytes, both within a 5-minute window. A request is accepted only if both hold. It can answer 503 to the first
 * N requests of a path to force retries.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received, with what this receiver made of it. */
    record Received(String path, String delivery, String event, String signature, String body, boolean signatureValid,
                    int answered, long atNanos, String webhookId, String webhookTimestamp, String webhookSignature,
                    boolean standardSignatureValid) {
    }

    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    static WebhookReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        WebhookReceiver r = new WebhookReceiver(server);
        server.createContext("/", r::handle);
        server.start();
        return r;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests to {@code path} are checked against {@code secret}; the first {@code failFirst} are answered 503. */
    void expect(String path, String secret, int failFirst) {
        secrets.put(path, secret);
        failures.put(path, new AtomicInteger(failFirst));
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    Received await(String path, Predicate<Received> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (Received r : at(path)) {
                if (r.answered() == 200 && match.test(r)) {
                    return r;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no accepted request at " + path + " matched within " + timeout + "; received: " + at(path));
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String signature = ex.getRequestHeaders().getFirst("Vigil-Signature");
        String id = ex.getRequestHeaders().getFirst("webhook-id");
        String timestamp = ex.getRequestHeaders().getFirst("webhook-timestamp");
        String standard = ex.getRequestHeaders().getFirst("webhook-signature");
        boolean valid = secrets.containsKey(path) && verify(secrets.get(path), signature, body);
        boolean standardValid = secrets.containsKey(path) && verifyStandard(secrets.get(path), id, timestamp, standard, body);
        AtomicInteger failing = failures.get(path);
        int status = !valid || !standardValid ? 401 : failing != null && failing.getAndDecrement() > 0 ? 503 : 200;
        received.add(new Received(path, ex.getRequestHeaders().getFirst("Vigil-Delivery"),
                ex.getRequestHeaders().getFirst("Vigil-Event"), signature, body, valid, status, System.nanoTime(), id, timestamp,
                standard, standardValid));
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    /** The documented receiver check, written out here from the README. */
    static boolean verify(String secret, String header, String body) {
        if (header == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
            return false;
        }
        String t = header.substring(2, header.indexOf(','));
        String v1 = header.substring(header.indexOf("v1=") + 3);
        if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t)) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1));
        } catch (Exception e) {
            return false;
        }
    }

    /** The Standard Webhooks check (standardwebhooks.com), written out here from the README. */
    static boolean verifyStandard(String secret, String id, String timestamp, String signatures, String body) {
        if (id == null || timestamp == null || signatures == null || !secret.startsWith("whsec_")
                || !timestamp.matches("\\d{1,12}")) {
            return false;
        }
        if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String entry : signatures.split(" ")) {
                if (entry.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(entry.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
