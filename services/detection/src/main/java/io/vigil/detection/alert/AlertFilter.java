package io.vigil.detection.alert;

import io.vigil.detection.scan.ScanType;
import io.vigil.detection.scan.Scoring;

/** What an alert list may be narrowed to; a null field does not narrow. */
public record AlertFilter(AlertStatus status, ScanType type, Scoring.Severity severity, String source) {
}
