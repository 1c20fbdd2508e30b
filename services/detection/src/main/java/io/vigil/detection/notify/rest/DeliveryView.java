package io.vigil.detection.notify.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vigil.detection.notify.Delivery;
import io.vigil.detection.notify.DeliveryStatus;

import java.time.Instant;

/**
 * One entry of a destination's delivery log.
 *
 * @param event          OPENED, ESCALATED, REOPENED or TEST
 * @param nextAttemptAt  when a PENDING delivery is tried next
 * @param lastStatusCode the webhook's last HTTP status (none for syslog, or when no answer came)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryView(String id, String alertId, String event, String severity, DeliveryStatus status, int attempts,
                           Instant nextAttemptAt, Instant lastAttemptAt, Integer lastStatusCode, String lastError,
                           Instant deliveredAt, Instant createdAt) {

    public static DeliveryView of(Delivery d) {
        return new DeliveryView(d.id, d.alertId, d.event, d.severity, d.status, d.attempts,
                d.status == DeliveryStatus.PENDING ? d.nextAttemptAt : null, d.lastAttemptAt, d.lastStatusCode, d.lastError,
                d.deliveredAt, d.createdAt);
    }
}
