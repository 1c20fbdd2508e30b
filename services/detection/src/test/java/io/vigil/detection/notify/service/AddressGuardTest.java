package io.vigil.detection.notify.service;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressGuardTest {

    @Test
    void nonPublicAddressesAreRecognised() throws Exception {
        for (String a : new String[]{"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
                "100.64.0.1", "224.0.0.1", "::1", "fe80::1", "fd00::1", "fc00::1"}) {
            assertTrue(AddressGuard.isPrivate(InetAddress.getByName(a)), a);
        }
        for (String a : new String[]{"8.8.8.8", "203.0.113.7", "100.128.0.1", "2001:db8::1"}) {
            assertFalse(AddressGuard.isPrivate(InetAddress.getByName(a)), a);
        }
    }

    @Test
    void refusesLoopbackUnlessAllowed() {
        assertEquals("127.0.0.1 resolves to the non-public address 127.0.0.1", AddressGuard.refusal("127.0.0.1", false));
        assertNull(AddressGuard.refusal("127.0.0.1", true));
        assertNull(AddressGuard.refusal("203.0.113.7", false));
        assertNotNull(AddressGuard.refusal("no-such-host.invalid", true));
    }
}
