package io.vigil.detection.notify;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookSignatureTest {

    static final String SECRET = "whsec_test";
    static final byte[] BODY = "{\"id\":\"dl-1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void headerIsHmacSha256OverTimestampDotBody() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal("1700000000.{\"id\":\"dl-1\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("t=1700000000,v1=" + expected, WebhookSignature.header(SECRET, 1_700_000_000L, BODY));
    }

    @Test
    void verifiesWithinTheWindowAndRefusesOutsideIt() {
        String h = WebhookSignature.header(SECRET, 1_700_000_000L, BODY);
        assertTrue(WebhookSignature.verify(SECRET, h, BODY, 1_700_000_000L + 300, 300));
        assertTrue(WebhookSignature.verify(SECRET, h, BODY, 1_700_000_000L - 300, 300));
        assertFalse(WebhookSignature.verify(SECRET, h, BODY, 1_700_000_000L + 301, 300), "a replay after the window");
    }

    @Test
    void refusesAnotherSecretATamperedBodyOrTimestampAndGarbage() {
        long t = 1_700_000_000L;
        String h = WebhookSignature.header(SECRET, t, BODY);
        assertFalse(WebhookSignature.verify("whsec_other", h, BODY, t, 300));
        assertFalse(WebhookSignature.verify(SECRET, h, "{\"id\":\"dl-2\"}".getBytes(StandardCharsets.UTF_8), t, 300));
        assertFalse(WebhookSignature.verify(SECRET, h.replace("t=1700000000", "t=1700000001"), BODY, t, 300));
        assertFalse(WebhookSignature.verify(SECRET, null, BODY, t, 300));
        assertFalse(WebhookSignature.verify(SECRET, "t=x,v1=zz", BODY, t, 300));
        assertFalse(WebhookSignature.verify(SECRET, "v1=" + h.substring(h.indexOf("v1=") + 3), BODY, t, 300));
    }

    @Test
    void acceptsAnyOfSeveralSignaturesAsDuringASecretRotation() {
        long t = 1_700_000_000L;
        String mine = WebhookSignature.header(SECRET, t, BODY);
        String other = WebhookSignature.header("whsec_old", t, BODY);
        String both = other + "," + mine.substring(mine.indexOf("v1="));
        assertTrue(WebhookSignature.verify(SECRET, both, BODY, t, 300));
    }
}
