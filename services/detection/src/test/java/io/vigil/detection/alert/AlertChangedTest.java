package io.vigil.detection.alert;

import io.vigil.detection.model.Severity;
import io.vigil.detection.model.Severity;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AlertChangedTest {

    @Test
    void openedReopenedEscalatedOrNothing() {
        assertEquals(AlertChanged.Change.OPENED, AlertChanged.of(true, false, null, Severity.LOW));
        assertEquals(AlertChanged.Change.REOPENED, AlertChanged.of(false, true, Severity.HIGH, Severity.CRITICAL));
        assertEquals(AlertChanged.Change.ESCALATED, AlertChanged.of(false, false, Severity.LOW, Severity.MEDIUM));
        assertNull(AlertChanged.of(false, false, Severity.HIGH, Severity.HIGH));
    }
}
