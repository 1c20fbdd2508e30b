package io.vigil.detection.notify;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretSealTest {

    private static final SecretSeal SEAL = new SecretSeal(Base64.getEncoder().encodeToString(new byte[32]));

    @Test
    void aSealedSecretOpensOnlyForItsOwnDestinationAndWithTheKey() {
        String stored = SEAL.seal("whsec_abc", "nd-1");
        assertTrue(stored.startsWith("v1:") && !stored.contains("whsec_abc"), stored);
        assertNotEquals(stored, SEAL.seal("whsec_abc", "nd-1"), "a fresh nonce each time");
        assertEquals("whsec_abc", SEAL.open(stored, "nd-1"));
        assertThrows(IllegalStateException.class, () -> SEAL.open(stored, "nd-2"), "moved onto another destination");
        byte[] other = new byte[32];
        other[0] = 1;
        assertThrows(IllegalStateException.class, () -> new SecretSeal(Base64.getEncoder().encodeToString(other)).open(stored, "nd-1"));
        String tampered = stored.substring(0, stored.length() - 4) + (stored.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThrows(IllegalStateException.class, () -> SEAL.open(tampered, "nd-1"));
    }

    @Test
    void anOlderPlaintextSecretIsReadAsItIsAndAShortKeyIsRefused() {
        assertFalse(SecretSeal.sealed("whsec_old"));
        assertEquals("whsec_old", SEAL.open("whsec_old", "nd-1"));
        assertThrows(IllegalStateException.class, () -> new SecretSeal(Base64.getEncoder().encodeToString(new byte[16])));
    }
}
