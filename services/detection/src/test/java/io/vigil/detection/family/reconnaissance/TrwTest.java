package io.vigil.detection.family.reconnaissance;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrwTest {

    @Test
    void thresholdsFollowFromThePapersParameters() {
        assertEquals(99.0, Trw.ETA1, 1e-9);
        assertEquals(0.01 / 0.99, Trw.ETA0, 1e-12);
        assertEquals(4.0, Trw.FAILURE_FACTOR, 1e-12);
        assertEquals(0.25, Trw.SUCCESS_FACTOR, 1e-12);
    }

    @Test
    void fourFailuresToDistinctTargetsDecideScanner() {
        Trw trw = new Trw();
        assertEquals(Trw.Decision.PENDING, trw.observe(false));
        assertEquals(Trw.Decision.PENDING, trw.observe(false));
        assertEquals(Trw.Decision.PENDING, trw.observe(false));
        assertEquals(64.0, trw.ratio(), 1e-9);
        assertEquals(Trw.Decision.SCANNER, trw.observe(false));
        assertEquals(4, trw.failuresAtDecision());
    }

    @Test
    void oneSuccessAmongThemCostsOneMoreFailure() {
        Trw trw = new Trw();
        trw.observe(true);
        for (int i = 0; i < 4; i++) {
            assertEquals(Trw.Decision.PENDING, trw.observe(false), "failure " + (i + 1));
        }
        assertEquals(Trw.Decision.SCANNER, trw.observe(false));
        assertEquals(5, trw.failuresAtDecision());
        assertEquals(6, trw.observationsAtDecision());
    }

    @Test
    void fourSuccessesDecideBenignAndRestartTheWalk() {
        Trw trw = new Trw();
        trw.observe(true);
        trw.observe(true);
        trw.observe(true);
        assertEquals(Trw.Decision.BENIGN, trw.observe(true));
        assertEquals(1.0, trw.ratio(), 1e-12);
        // A benign decision does not immunise the host: four failures afterwards still decide.
        for (int i = 0; i < 3; i++) {
            trw.observe(false);
        }
        assertEquals(Trw.Decision.SCANNER, trw.observe(false));
    }

    @Test
    void mostlySuccessfulClientNeverDecidesScanner() {
        Trw trw = new Trw();
        for (int i = 0; i < 1000; i++) {
            trw.observe(i % 5 != 0); // 80% success, as H0 assumes
        }
        assertFalse(trw.scanner());
    }

    @Test
    void mostlyFailingSourceDecidesScannerEvenWithSomeAnswers() {
        Trw trw = new Trw();
        for (int i = 0; i < 40 && !trw.scanner(); i++) {
            trw.observe(i % 3 == 0); // a third of the probed hosts answer
        }
        assertTrue(trw.scanner());
    }
}
