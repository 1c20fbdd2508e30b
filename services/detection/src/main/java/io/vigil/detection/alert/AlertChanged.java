package io.vigil.detection.alert;

import io.vigil.detection.scan.Direction;
import io.vigil.detection.scan.ScanType;
import io.vigil.detection.scan.Scoring;

import java.time.Instant;

/**
 * A CDI event fired after the detection cycle committed an alert that opened, escalated (severity went up) or
 * reopened: the hook for notifications. Fired synchronously on the cycle's worker thread (observers may block);
 * an observer's failure is logged and never undoes the commit.
 *
 * @param previousSeverity the severity before this cycle; null when the alert opened
 */
public record AlertChanged(Kind kind, String alertId, String customerId, String mspId, ScanType type, String source,
                           Scoring.Severity severity, Scoring.Severity previousSeverity, int score, Direction direction,
                           String summary, Instant at) {

    public enum Kind { OPENED, ESCALATED, REOPENED }

    public static AlertChanged of(Kind kind, Alert a, Scoring.Severity previous, Instant at) {
        return new AlertChanged(kind, a.id, a.customerId, a.mspId, a.type, a.source, a.severity, previous, a.score,
                a.direction, a.summary, at);
    }
}
