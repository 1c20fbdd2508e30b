package io.vigil.detection.notify.service;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressGuardTest {

    private static final AddressGuard PROD = new AddressGuard(false, AddressGuard.DNS);

    @Test
    void nonPublicIpv4AndIpv6AddressesAreRecognised() throws Exception {
        for (String a : new String[]{"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
                "100.64.0.1", "224.0.0.1", "255.255.255.255", "240.0.0.1", "198.18.0.1", "192.0.0.8", "203.0.113.7",
                "::", "::1", "fe80::1", "fd00::1", "fc00::1", "ff02::1", "fec0::1", "100::1", "2001:db8::1", "3fff::1",
                "2001:2::1", "64:ff9b:1::a00:1"}) {
            assertFalse(AddressGuard.isPublic(InetAddress.getByName(a)), a);
        }
        for (String a : new String[]{"8.8.8.8", "1.1.1.1", "100.128.0.1", "172.32.0.1", "2606:4700::1111", "2a00:1450::1",
                "64:ff9b::808:808", "2002:808:808::1"}) {
            assertTrue(AddressGuard.isPublic(InetAddress.getByName(a)), a);
        }
    }

    /** The forms a hostile review got through: each carries 127.0.0.1, 10.0.0.1 or 169.254.169.254 inside an IPv6 address. */
    @Test
    void ipv6FormsThatEmbedANonPublicIpv4AreRefused() {
        for (String host : new String[]{
                "[::127.0.0.1]",                           // IPv4-compatible
                "[::ffff:127.0.0.1]",                      // IPv4-mapped
                "[::ffff:0:127.0.0.1]",                    // IPv4-translated
                "[64:ff9b::127.0.0.1]",                    // NAT64, well-known prefix
                "[64:ff9b::a9fe:a9fe]",                    // NAT64 of the cloud metadata address
                "[2002:7f00:1::1]",                        // 6to4 of 127.0.0.1
                "[2002:a00:1::]",                          // 6to4 of 10.0.0.1
                "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  // Teredo, client 127.0.0.1 (stored inverted)
                "[2001:0:a00:1::f7f7:f7f7]",               // Teredo, client 8.8.8.8 through relay server 10.0.0.1
                "::127.0.0.1"}) {
            AddressGuard.Verdict v = PROD.check(host);
            assertFalse(v.allowed(), host);
            assertEquals(AddressGuard.NON_PUBLIC, v.refusal(), host);
        }
        assertTrue(PROD.check("[2002:808:808::1]").allowed(), "6to4 of a public address");
    }

    @Test
    void refusalsNameNoAddressButTheDetailDoes() {
        AddressGuard.Verdict v = PROD.check("127.0.0.1");
        assertEquals("refused: non-public address", v.refusal());
        assertEquals("127.0.0.1 resolves to the non-public address 127.0.0.1", v.detail());
        assertEquals(AddressGuard.UNKNOWN_HOST, PROD.check("no-such-host.invalid").refusal());
        assertTrue(new AddressGuard(true, AddressGuard.DNS).check("127.0.0.1").allowed(), "dev and tests may");
        assertFalse(new AddressGuard(true, AddressGuard.DNS).check("no-such-host.invalid").allowed());
    }

    /** A name is resolved once; if any of its addresses is non-public it is refused, else the first is the one to use. */
    @Test
    void everyAddressOfANameMustBePublicAndTheCheckedOneIsTheOneToConnectTo() throws Exception {
        InetAddress good = InetAddress.getByName("8.8.8.8");
        InetAddress bad = InetAddress.getByName("10.0.0.1");
        AtomicInteger lookups = new AtomicInteger();
        AddressGuard mixed = new AddressGuard(false, host -> {
            lookups.incrementAndGet();
            return new InetAddress[]{good, bad};
        });
        assertEquals(AddressGuard.NON_PUBLIC, mixed.check("hooks.example").refusal());
        AddressGuard clean = new AddressGuard(false, host -> {
            lookups.incrementAndGet();
            return new InetAddress[]{good};
        });
        AddressGuard.Verdict v = clean.check("hooks.example");
        assertSame(good, v.address());
        assertNull(v.refusal());
        assertEquals(2, lookups.get(), "one resolution per check");
    }
}
