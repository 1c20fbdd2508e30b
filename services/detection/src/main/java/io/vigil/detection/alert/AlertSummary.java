package io.vigil.detection.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Direction;
import io.vigil.detection.model.Severity;

import java.time.Instant;
import java.util.List;

/**
 * An immutable snapshot of an alert without its evidence lists: the {@code alert} object of a webhook body, and what
 * a notification says about the alert. Its JSON is part of the webhook contract (README, Notifications), so it is its
 * own type rather than the REST view.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertSummary(String id, String customerId, AlertFamily family, AlertType type, String source, AlertStatus status,
                           Severity severity, int score, Direction direction, boolean slow, List<String> mitre,
                           String summary, int targetCount, int portCount, int sourceCount, long attempts, long failed,
                           long answered, double failedRatio, int trwFailures, Instant firstSeen, Instant lastSeen,
                           int reopenCount, String acknowledgedBy, Instant acknowledgedAt, String resolvedBy,
                           Instant resolvedAt, Instant createdAt, Instant updatedAt) {

    public static AlertSummary of(Alert a) {
        return new AlertSummary(a.id, a.customerId, a.family, a.type, a.source, a.status, a.severity, a.score, a.direction,
                a.slow, List.of(a.mitre), a.summary, a.targetCount, a.portCount, a.sourceCount, a.attempts, a.failed,
                a.answered, failedRatio(a), a.trwFailures, a.firstSeen, a.lastSeen, a.reopenCount, a.acknowledgedBy,
                a.acknowledgedAt, a.resolvedBy, a.resolvedAt, a.createdAt, a.updatedAt);
    }

    /** Failed probe flows / probe flows, to three decimals. */
    public static double failedRatio(Alert a) {
        return a.attempts == 0 ? 0 : Math.round(1000.0 * a.failed / a.attempts) / 1000.0;
    }
}
