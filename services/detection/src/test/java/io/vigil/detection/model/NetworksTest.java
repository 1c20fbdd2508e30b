package io.vigil.detection.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworksTest {

    @Test
    void onlyWellFormedLiteralsAreAddressesSoNothingReachesDns() {
        assertTrue(Networks.isLiteral("10.1.0.255"));
        assertTrue(Networks.isLiteral("fd00:a1::5"));
        assertFalse(Networks.isLiteral("10.1.0.300"));
        assertFalse(Networks.isLiteral("10.1.0"));
        assertFalse(Networks.isLiteral("0x0a.1.1.1"));
        assertFalse(Networks.isLiteral("example.com"));
        assertThrows(IllegalArgumentException.class, () -> Networks.of(List.of("10.1.0.300/32")));
        assertThrows(IllegalArgumentException.class, () -> Networks.of(List.of("10.1.0.300")));
    }
}
