package io.vigil.detection.alert;

import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Severity;

/** What an alert list may be narrowed to; a null field does not narrow. */
public record AlertFilter(AlertStatus status, AlertFamily family, AlertType type, Severity severity, String source) {
}
