package io.vigil.detection.notify;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandardWebhookSignatureTest {

    /** The signing example of the Standard Webhooks reference libraries' tests (secret, id, timestamp, body, signature). */
    static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long SPEC_TIMESTAMP = 1614265330L;
    static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsThePublishedTestVector() {
        assertEquals(SPEC_SIGNATURE, StandardWebhookSignature.signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }

    @Test
    void verifiesThePublishedTestVectorWithinTheWindowOnly() {
        String t = String.valueOf(SPEC_TIMESTAMP);
        assertTrue(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, t, SPEC_SIGNATURE, SPEC_BODY, SPEC_TIMESTAMP + 300, 300));
        assertTrue(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, t, SPEC_SIGNATURE, SPEC_BODY, SPEC_TIMESTAMP - 300, 300));
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, t, SPEC_SIGNATURE, SPEC_BODY, SPEC_TIMESTAMP + 301, 300),
                "a replay after the window");
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, t, SPEC_SIGNATURE, SPEC_BODY, SPEC_TIMESTAMP - 301, 300),
                "a timestamp too far ahead");
    }

    @Test
    void refusesAnotherIdTimestampBodyOrSecretAndMissingHeaders() {
        long now = SPEC_TIMESTAMP;
        String t = String.valueOf(SPEC_TIMESTAMP);
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, "msg_other", t, SPEC_SIGNATURE, SPEC_BODY, now, 300));
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, String.valueOf(now + 1), SPEC_SIGNATURE, SPEC_BODY, now, 300));
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, t, SPEC_SIGNATURE,
                "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), now, 300));
        assertFalse(StandardWebhookSignature.verify(StandardWebhookSignature.newSecret(), SPEC_ID, t, SPEC_SIGNATURE, SPEC_BODY, now, 300));
        // the reference tests' tampered signature: its last character changed
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, t, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=",
                SPEC_BODY, now, 300));
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, null, t, SPEC_SIGNATURE, SPEC_BODY, now, 300));
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, null, SPEC_SIGNATURE, SPEC_BODY, now, 300));
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, "hello", SPEC_SIGNATURE, SPEC_BODY, now, 300));
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, t, null, SPEC_BODY, now, 300));
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, t, "v1,not base64!", SPEC_BODY, now, 300));
    }

    @Test
    void acceptsAnyV1EntryOfSeveralAndIgnoresOtherVersions() {
        String other = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
        String v2 = "v2," + SPEC_SIGNATURE.substring(3);
        String t = String.valueOf(SPEC_TIMESTAMP);
        assertTrue(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, t, other + " " + v2 + " " + SPEC_SIGNATURE + " " + other,
                SPEC_BODY, SPEC_TIMESTAMP, 300));
        assertFalse(StandardWebhookSignature.verify(SPEC_SECRET, SPEC_ID, t, other + " " + v2, SPEC_BODY, SPEC_TIMESTAMP, 300),
                "a v2 entry with the right bytes is not a v1 signature");
    }

    @Test
    void aNewSecretIsWhsecAndPaddedBase64Of32RandomBytes() {
        String secret = StandardWebhookSignature.newSecret();
        assertTrue(secret.startsWith("whsec_"), secret);
        assertTrue(StandardWebhookSignature.isStandard(secret), secret);
        assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);
        assertArrayEquals(Base64.getDecoder().decode(secret.substring(6)), StandardWebhookSignature.key(secret));
        assertNotEquals(secret, StandardWebhookSignature.newSecret());
    }

    @Test
    void aSecretIssuedBeforeTheStandardHeadersIsKeyedWithItsUtf8Bytes() throws Exception {
        // The earlier format: whsec_ and 43 characters of unpadded base64url, never canonical standard base64.
        String legacy = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[]{-5, -1, 1, 2, 3, 4, 5, 6, 7,
                8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30});
        assertEquals(49, legacy.length());
        assertFalse(StandardWebhookSignature.isStandard(legacy));
        assertArrayEquals(legacy.getBytes(StandardCharsets.UTF_8), StandardWebhookSignature.key(legacy));
        assertFalse(StandardWebhookSignature.isStandard("whsec_tests"), "not a multiple of 4");
        assertFalse(StandardWebhookSignature.isStandard("whsec_te-_"), "base64url");
        assertFalse(StandardWebhookSignature.isStandard("plain-secret"));

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(legacy.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(
                ("dl-1.1700000000." + "{\"id\":\"dl-1\"}").getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, StandardWebhookSignature.signature(legacy, "dl-1", 1_700_000_000L,
                "{\"id\":\"dl-1\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
