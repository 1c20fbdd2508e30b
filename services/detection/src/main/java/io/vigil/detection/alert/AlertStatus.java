package io.vigil.detection.alert;

/** An alert's triage state; new activity on a RESOLVED alert reopens it (OPEN, reopenCount + 1). */
public enum AlertStatus {
    OPEN, ACKNOWLEDGED, RESOLVED
}
