package io.vigil.detection.notify;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.support.TestCustomers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receivers on non-public addresses with production's rules (vigil.notify.allow-private-addresses=false): refused with
 * a 400 when a destination is created, however the address is written, without saying which address a name resolved
 * to; and a destination stored before that check existed is refused at delivery and never contacted, its delivery log
 * saying why in a category that names no address.
 */
@QuarkusTest
@TestProfile(ReceiverAddressIT.ProductionAddressRules.class)
class ReceiverAddressIT {

    /** Production's address rules; plain http stays allowed so the local receiver can prove nothing reached it. */
    public static class ProductionAddressRules implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vigil.notify.allow-private-addresses", "false", "vigil.notify.webhook-require-https", "false");
        }
    }

    @Inject
    Pool pool;

    @Test
    void receiversOnNonPublicAddressesAreRefusedAtCreation() {
        String tenant = TestCustomers.create(pool, "10.0.0.0/8");
        String path = "/api/v1/customers/" + tenant + "/notifications";
        List<String> accepted = new ArrayList<>();
        for (String url : List.of("https://[::127.0.0.1]:18123/", "https://[::ffff:0:127.0.0.1]:18123/",
                "https://[64:ff9b::127.0.0.1]:18123/", "https://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
                "https://[2002:7f00:1::]/", "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "https://[::ffff:127.0.0.1]/",
                "https://127.0.0.1:18123/", "https://169.254.169.254/", "https://localhost/", "https://10.0.0.1/",
                "https://[fd00::1]/", "https://no-such-host.invalid/")) {
            Response r = as("msp-a-admin").body(Map.of("name", "hook", "kind", "WEBHOOK", "url", url)).post(path);
            if (r.statusCode() != 400) {
                accepted.add(url + " -> " + r.statusCode());
                continue;
            }
            r.then().contentType("application/problem+json")
                    .body("type", org.hamcrest.Matchers.equalTo("https://vigil.io/problems/validation"))
                    .body("errors[0].field", org.hamcrest.Matchers.equalTo("url"));
            assertFalse(r.asString().contains("127.0.0.1") && !url.contains("127.0.0.1"), "names no address: " + r.asString());
        }
        for (String host : List.of("::127.0.0.1", "127.0.0.1", "169.254.169.254", "localhost")) {
            Response r = as("msp-a-admin").body(Map.of("name", "siem", "kind", "SYSLOG", "host", host, "port", 514,
                    "transport", "UDP")).post(path);
            if (r.statusCode() != 400) {
                accepted.add("syslog " + host + " -> " + r.statusCode());
            } else {
                r.then().body("errors[0].field", org.hamcrest.Matchers.equalTo("host"));
            }
        }
        assertEquals(List.of(), accepted, "destinations accepted although they name non-public receivers");
        as("msp-a-admin").body(Map.of("name", "public", "kind", "WEBHOOK", "url", "https://8.8.8.8/hook")).post(path)
                .then().statusCode(201);
    }

    /** A row written before creation was checked (or by hand) still never reaches a non-public address. */
    @Test
    void aStoredDestinationOnANonPublicAddressIsRefusedAtDeliveryAndNeverContacted() throws Exception {
        String tenant = TestCustomers.create(pool, "10.0.0.0/8");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String id = "nd-" + UUID.randomUUID().toString().substring(0, 12);
            String url = receiver.url("/legacy").replace("127.0.0.1", "[::ffff:0:127.0.0.1]");
            pool.preparedQuery("INSERT INTO detection.notification_destinations (id, msp_id, customer_id, name, kind, enabled,"
                            + " min_severity, events, url, secret, created_by, created_at, updated_at) VALUES ($1, 'msp-a', $2,"
                            + " 'legacy', 'WEBHOOK', true, 'LOW', '{OPENED,ESCALATED,REOPENED}', $3, 'whsec_legacy', 'it', now(), now())")
                    .execute(Tuple.of(id, tenant, url)).await().indefinitely();
            String base = "/api/v1/customers/" + tenant + "/notifications/" + id;
            as("msp-a-admin").post(base + "/test").then().statusCode(202);
            String lastError = null;
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (lastError == null && System.nanoTime() < end) {
                lastError = as("msp-a-admin").get(base + "/deliveries").then().statusCode(200).extract().path("items[0].lastError");
                Thread.sleep(100);
            }
            // the delivery log names the reason, never the address a name resolved to
            assertEquals("refused: non-public address", lastError);
            assertTrue(receiver.at("/legacy").isEmpty(), "the receiver was never contacted");
        }
    }
}
