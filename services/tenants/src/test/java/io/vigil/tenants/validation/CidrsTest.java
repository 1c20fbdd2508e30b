package io.vigil.tenants.validation;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CIDR parsing: every valid form accepted, each fault explained. */
class CidrsTest {

    @Test
    void acceptsCanonicalIpv4AndIpv6Networks() {
        for (String ok : new String[]{"10.0.0.0/8", "192.168.1.0/24", "0.0.0.0/0", "10.1.2.3/32", "fd00::/8",
                "2001:db8::/32", "::/0", "::1/128", "2001:db8:0:0:0:0:0:0/64", "::ffff:10.0.0.0/104", "FD00:A1::/48"}) {
            assertNull(Cidrs.problem(ok), ok);
        }
    }

    @Test
    void explainsEachFault() {
        assertEquals("'10.0.0.0' is not a CIDR block: missing /prefix-length", Cidrs.problem("10.0.0.0"));
        assertEquals("'10.0.0.0/33' is not a CIDR block: the prefix length must be 0..32", Cidrs.problem("10.0.0.0/33"));
        assertEquals("'fd00::/129' is not a CIDR block: the prefix length must be 0..128", Cidrs.problem("fd00::/129"));
        assertEquals("'10.1.2.3/16' has host bits set; the network is 10.1.0.0/16", Cidrs.problem("10.1.2.3/16"));
        assertEquals("'fd00::1/64' has host bits set; the network is fd00:0:0:0:0:0:0:0/64", Cidrs.problem("fd00::1/64"));
        for (String bad : new String[]{"256.0.0.0/8", "10.0.0/8", "010.0.0.0/8", "example.com/8", "fd00::zz/64",
                "1:2:3:4:5:6:7:8:9/64", "1::2::3/64", "10.0.0.0/x", "10.0.0.0/"}) {
            assertTrue(Cidrs.problem(bad) != null, bad);
        }
    }
}
