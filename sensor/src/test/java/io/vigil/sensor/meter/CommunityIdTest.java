package io.vigil.sensor.meter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.vigil.sensor.Frames.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CommunityIdTest {

    private final CommunityId id = new CommunityId();

    /** The ID's own base64 gives what "1:" + the JDK's base64 of the SHA-1 gives, for any digest bytes. */
    @Test
    void base64MatchesTheJdks() throws Exception {
        Random random = new Random(7);
        java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
        for (int i = 0; i < 20_000; i++) {
            byte[] src = new byte[4];
            byte[] dst = new byte[4];
            random.nextBytes(src);
            random.nextBytes(dst);
            src[0] = 1; // src sorts first, so the hashed order is known
            dst[0] = 2;
            int sport = random.nextInt(65536);
            int dport = random.nextInt(65536);
            byte[] input = {0, 0, src[0], src[1], src[2], src[3], dst[0], dst[1], dst[2], dst[3], 17, 0,
                (byte) (sport >>> 8), (byte) sport, (byte) (dport >>> 8), (byte) dport};
            String expected = "1:" + java.util.Base64.getEncoder().encodeToString(sha1.digest(input));
            assertEquals(expected, id.of(src, dst, 17, sport, dport));
        }
    }

    /** The spec's baseline (community-id-spec, baseline/baseline_deflt.json); ICMP rows give type and code as ports. */
    @ParameterizedTest
    @CsvSource({
        "58, fe80::200:86ff:fe05:80da, fe80::260:97ff:fe07:69ea, 135, 0, 1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
        "58, fe80::260:97ff:fe07:69ea, fe80::200:86ff:fe05:80da, 136, 0, 1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
        "58, fe80::260:97ff:fe07:69ea, fe80::200:86ff:fe05:80da, 135, 0, 1:zavyT/cezQr1fmImYCwYnMXbgck=",
        "58, 3ffe:501:1800:2345::2, 3ffe:507:0:1:200:86ff:fe05:80da, 3, 0, 1:2ObVBgIn28oZvibYZhZMBgh7WdQ=",
        "58, 3ffe:501:410:0:2c0:dfff:fe47:33e, 3ffe:507:0:1:200:86ff:fe05:80da, 1, 4, 1:hLZd0XGWojozrvxqE0dWB1iM6R0=",
        "58, 3ffe:507:0:1:200:86ff:fe05:80da, 3ffe:501:0:1001::2, 128, 0, 1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=",
        "58, 3ffe:501:0:1001::2, 3ffe:507:0:1:200:86ff:fe05:80da, 129, 0, 1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=",
        "58, fe80::200:86ff:fe05:80da, ff02::2, 133, 0, 1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=",
        "58, fe80::260:97ff:fe07:69ea, ff02::1, 134, 0, 1:pkvHqCL88/tg1k4cPigmZXUtL00=",
        "1, 192.168.0.89, 192.168.0.1, 8, 0, 1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
        "1, 192.168.0.1, 192.168.0.89, 0, 0, 1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
        "1, 10.0.0.1, 10.0.0.2, 11, 0, 1:YHxtAirCG//0OzkcVAukqKQN9xM=",
        "6, 2001:470:e5bf:dead:4957:2174:e82c:4887, 2607:f8b0:400c:c03::1a, 63943, 25, 1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=",
        "6, 2607:f8b0:400c:c03::1a, 2001:470:e5bf:dead:4957:2174:e82c:4887, 25, 63943, 1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=",
        "132, 192.168.170.8, 192.168.170.56, 7, 7, 1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
        "6, 128.232.110.120, 66.35.250.204, 34855, 80, 1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
        "6, 66.35.250.204, 128.232.110.120, 80, 34855, 1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
        "17, 192.168.1.52, 8.8.8.8, 54585, 53, 1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
        "17, 8.8.8.8, 192.168.1.52, 53, 54585, 1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
        "46, 10.1.12.1, 10.1.12.2, 0, 0, 1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=",
        "46, 10.1.12.2, 10.1.12.1, 0, 0, 1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="})
    void matchesTheSpecBaseline(int proto, String src, String dst, int sport, int dport, String expected) {
        assertEquals(expected, id.of(addr(src), addr(dst), proto, sport, dport));
    }

    /** An independent implementation (python3 hashlib/base64, written from the spec) agrees on random tuples. */
    @Test
    void agreesWithAnIndependentPythonImplementation() throws Exception {
        assumeTrue(python3Available(), "python3 not on PATH");
        Random r = new Random(42);
        List<String> lines = new ArrayList<>();
        List<String> ours = new ArrayList<>();
        int[] protos = {6, 17, 1, 58, 47};
        for (int i = 0; i < 300; i++) {
            int proto = protos[r.nextInt(protos.length)];
            boolean v6 = proto == 58 || (proto != 1 && r.nextBoolean());
            byte[] a = new byte[v6 ? 16 : 4];
            byte[] b = new byte[v6 ? 16 : 4];
            r.nextBytes(a);
            if (r.nextInt(10) == 0) {
                b = a.clone();
            } else {
                r.nextBytes(b);
            }
            int sp = proto == 1 || proto == 58 ? new int[] {0, 3, 8, 11, 128, 129, 135, 1, 13}[r.nextInt(9)] : r.nextInt(65536);
            int dp = proto == 1 || proto == 58 ? r.nextInt(16) : r.nextInt(65536);
            if (proto == 47) {
                sp = 0;
                dp = 0;
            }
            lines.add(proto + " " + hex(a) + " " + hex(b) + " " + sp + " " + dp);
            ours.add(id.of(a, b, proto, sp, dp));
        }
        String script = String.join("\n",
                "import sys, hashlib, base64, struct",
                "V4 = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 17: 18, 18: 17}",
                "V6 = {128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130,",
                "      139: 140, 140: 139, 144: 145, 145: 144}",
                "for line in sys.stdin:",
                "    p, a, b, sp, dp = line.split()",
                "    p, a, b, sp, dp = int(p), bytes.fromhex(a), bytes.fromhex(b), int(sp), int(dp)",
                "    one_way = False",
                "    if p in (1, 58):",
                "        m = V4 if p == 1 else V6",
                "        if sp in m: dp = m[sp]",
                "        else: one_way = True",
                "    ports = p in (1, 6, 17, 58, 132)",
                "    if not (one_way or a < b or (a == b and ports and sp < dp)):",
                "        a, b, sp, dp = b, a, dp, sp",
                "    data = struct.pack('!H', 0) + a + b + struct.pack('BB', p, 0)",
                "    if ports: data += struct.pack('!HH', sp, dp)",
                "    print('1:' + base64.b64encode(hashlib.sha1(data).digest()).decode())");
        Process py = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
        py.getOutputStream().write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII));
        py.getOutputStream().close();
        List<String> theirs = List.of(new String(py.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\n"));
        assertEquals(0, py.waitFor());
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(theirs.get(i), ours.get(i), lines.get(i));
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    private static boolean python3Available() {
        try {
            return new ProcessBuilder("python3", "-c", "pass").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
