package io.vigil.sensor.zeek;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The byte-level value readers against the JDK's own parsers. */
class ConnValuesTest {

    private static byte[] address(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return ConnValues.address(b, 0, b.length);
    }

    private static long micros(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return ConnValues.micros(b, 0, b.length);
    }

    @Test
    void addressesParseAsTheJdkParsesThemInEveryTextualForm() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] raw = new byte[random.nextBoolean() ? 4 : 16];
            random.nextBytes(raw);
            if (raw.length == 16 && random.nextBoolean()) {
                // runs of zero groups, for "::" in every position
                int from = random.nextInt(16);
                Arrays.fill(raw, from, Math.min(16, from + 2 * random.nextInt(8)), (byte) 0);
            }
            InetAddress a = InetAddress.getByAddress(raw);
            String text = raw.length == 4 ? a.getHostAddress() : io.vigil.sensor.output.IpText.of(raw);
            assertArrayEquals(raw, address(text), text);
            if (raw.length == 16) {
                assertArrayEquals(raw, address(a.getHostAddress()), a.getHostAddress());
            }
        }
        assertArrayEquals(new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1},
                address("::ffff:10.0.0.1"));
        assertArrayEquals(InetAddress.getByName("fe80::1").getAddress(), address("fe80::1%eth0"));
        for (String bad : new String[]{"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", ":::", "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:", ":1", "fe80::1.2.3", "-"}) {
            assertNull(address(bad), bad);
        }
    }

    @Test
    void timesAreMicrosecondsRoundedToTheNearest() {
        assertEquals(1_655_071_198_444_458L, micros("1655071198.444458"));
        assertEquals(1_664_462_456_768_090L, micros("1664462456.76809"));
        assertEquals(12_167L, micros("0.012166976928710938"));
        assertEquals(1_000_000L, micros("1"));
        assertEquals(1_600_000_000_000_000L, micros("1.6e9"));
        assertEquals(1_664_462_456_755_299L, micros("2022-09-29T14:40:56.755299Z"));
        for (String bad : new String[]{"", "-", "-1.0", "1.2.3", "abc", "1e999", "2022-13-01T00:00:00Z"}) {
            assertEquals(ConnValues.BAD_TIME, micros(bad), bad);
        }
    }
}
