package io.vigil.detection.alert;

import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Severity;

import java.time.Instant;

/**
 * What an alert list may be narrowed to; a null field does not narrow.
 *
 * @param updatedSince alerts whose last change ({@code updatedAt}: created, merged, acknowledged, resolved, reopened)
 *                     is at or after this instant
 */
public record AlertFilter(AlertStatus status, AlertFamily family, AlertType type, Severity severity, String source,
                          Instant updatedSince) {
}
