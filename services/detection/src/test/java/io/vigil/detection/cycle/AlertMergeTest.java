package io.vigil.detection.cycle;

import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertMergeTest {

    static Alert alert(String id, AlertType type, String source, Severity severity, AlertStatus status) {
        Alert a = new Alert();
        a.id = id;
        a.customerId = "c1";
        a.type = type;
        a.family = type.family();
        a.source = source;
        a.severity = severity;
        a.score = severity == Severity.HIGH ? 60 : 45;
        a.status = status;
        a.summary = "what it did";
        a.related = new String[0];
        return a;
    }

    @Test
    void aLoginAlertOfASourceWithAnOpenScanNamesItAndRisesOneBandOnce() {
        Alert scan = alert("al-scan", AlertType.VERTICAL, "10.1.0.66", Severity.HIGH, AlertStatus.OPEN);
        Alert login = alert("al-login", AlertType.NEW_ADMIN_EDGE, "10.1.0.66", Severity.MEDIUM, AlertStatus.OPEN);
        List<Alert> loaded = List.of(scan, login);
        AlertMerge.link(login, loaded);
        assertEquals(List.of("al-scan"), List.of(login.related));
        assertEquals(List.of("al-login"), List.of(scan.related));
        assertEquals(Severity.HIGH, login.severity);
        assertTrue(login.summary.endsWith("the scanner is now logging in"), login.summary);
        AlertMerge.link(login, loaded);
        AlertMerge.link(scan, loaded);
        assertEquals(Severity.HIGH, login.severity, "linked once, raised once");
        assertEquals(1, login.related.length);
        assertEquals("what it did" + AlertMerge.SCANNED_FIRST, login.summary);
    }

    @Test
    void aResolvedScanAnotherSourceOrAnotherCustomerIsNotLinked() {
        Alert login = alert("al-login", AlertType.AUTH_BRUTE_FORCE, "10.1.0.66", Severity.HIGH, AlertStatus.OPEN);
        Alert resolved = alert("al-old", AlertType.VERTICAL, "10.1.0.66", Severity.HIGH, AlertStatus.RESOLVED);
        Alert other = alert("al-other", AlertType.HORIZONTAL, "10.1.0.67", Severity.HIGH, AlertStatus.OPEN);
        Alert foreign = alert("al-foreign", AlertType.HORIZONTAL, "10.1.0.66", Severity.HIGH, AlertStatus.OPEN);
        foreign.customerId = "c2";
        AlertMerge.link(login, List.of(login, resolved, other, foreign));
        assertEquals(0, login.related.length);
        assertEquals(Severity.HIGH, login.severity);
        assertEquals(AlertFamily.LATERAL_MOVEMENT, login.family);
    }
}
