package io.vigil.detection.family.reconnaissance;

import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Attempt;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.ProbeKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DistributedScansTest {

    private final DistributedScans rule = new DistributedScans(new ScanAnalyzer(ReconDefaults.config()), ReconDefaults.config().distributed());

    private static Attempt failed(String src, String host, int port, long t) {
        return new Attempt(src, host, port, 6, ProbeKind.SYN, 1, 1, 0, t, t);
    }

    private static Attempt session(String src, String host, int port, long t) {
        return new Attempt(src, host, port, 6, ProbeKind.SYN, 1, 0, 0, t, t + 500);
    }

    /** {@code sources} sources 203.0.113.x, each probing {@code each} distinct hosts of 10.1.0.0/24 on 23/tcp. */
    private static List<Attempt> slices(int sources, int each) {
        List<Attempt> a = new ArrayList<>();
        for (int s = 0; s < sources; s++) {
            for (int h = 0; h < each; h++) {
                a.add(failed("203.0.113." + (10 + s), "10.1.0." + (s * each + h + 1), 23, 1000L * s + h));
            }
        }
        return a;
    }

    @Test
    void manyQuietSourcesSplittingOnePortAcrossAPrefixAreOneDistributedScan() {
        List<Finding> f = rule.find(slices(8, 3), Set.of());
        assertEquals(1, f.size(), f.toString());
        Finding d = f.get(0);
        assertEquals(AlertType.DISTRIBUTED, d.type());
        assertEquals("23/tcp 10.1.0.0/24", d.source());
        assertEquals(8, d.sources().size());
        assertEquals("203.0.113.10", d.sources().get(0));
        assertEquals(24, d.targets().size());
        assertEquals(List.of("23/tcp"), d.services());
        assertEquals(24, ReconDefaults.scan(d).failed());
        assertEquals(DecidedBy.DISTRIBUTED, ReconDefaults.scan(d).decidedBy());
        for (int s = 0; s < 8; s++) {
            String source = "203.0.113." + (10 + s);
            assertTrue(new ScanAnalyzer(ReconDefaults.config()).analyze(source, slices(8, 3), false).isEmpty(),
                    "each member alone is below the single-source rules");
        }
    }

    @Test
    void tooFewSourcesOrTargetsAreNotOne() {
        assertTrue(rule.find(slices(4, 3), Set.of()).isEmpty(), "4 sources");
        assertTrue(rule.find(slices(8, 1), Set.of()).isEmpty(), "8 targets");
    }

    @Test
    void clientsFailingToReachOneDeadServerAreNotAScan() {
        List<Attempt> a = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            a.add(failed("10.1.0." + (50 + s), "10.1.0.5", 445, s));
        }
        assertTrue(rule.find(a, Set.of()).isEmpty());
    }

    @Test
    void mostlySuccessfulSourcesAreNotAScan() {
        List<Attempt> a = new ArrayList<>(slices(8, 2));
        for (int s = 0; s < 8; s++) {
            for (int h = 0; h < 5; h++) {
                a.add(session("203.0.113." + (10 + s), "10.1.0." + (100 + h), 23, 5000L + s * 10 + h));
            }
        }
        assertTrue(rule.find(a, Set.of()).isEmpty());
    }

    @Test
    void aSourceThatIsAScannerOnItsOwnIsLeftToItsOwnAlert() {
        List<Attempt> a = new ArrayList<>(slices(4, 3));
        for (int h = 0; h < 30; h++) {
            a.add(failed("198.51.100.7", "10.1.0." + (100 + h), 23, 9000 + h));
        }
        assertTrue(rule.find(a, Set.of()).isEmpty(), "4 quiet sources and one scanner");
    }

    @Test
    void prefixesAreSlash24AndSlash64() {
        assertEquals("10.1.0.0/24", DistributedScans.prefix("10.1.0.77"));
        assertEquals("2001:db8:0:1::/64", DistributedScans.prefix("2001:db8:0:1::99"));
    }

    @Test
    void aScannerIsToldApartByItsOtherServicesAndFlaggedSourcesAreLeftOut() {
        List<Attempt> a = new ArrayList<>(slices(5, 3));
        a.add(failed("198.51.100.7", "10.1.0.200", 23, 9000));
        for (int port = 1; port <= 20; port++) {
            a.add(failed("198.51.100.7", "10.1.0.200", 1000 + port, 9000 + port));
        }
        Finding f = rule.find(a, Set.of()).get(0);
        assertEquals(5, f.sources().size(), "the vertical scanner that also hit 23/tcp is not a member: " + f.sources());
        assertEquals(15, f.targets().size());
        assertTrue(rule.find(slices(5, 3), Set.of("203.0.113.10")).isEmpty(), "a source flagged in this cycle is not a member");
    }
}
