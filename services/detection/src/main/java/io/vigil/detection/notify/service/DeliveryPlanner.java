package io.vigil.detection.notify.service;

import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.model.Severity;
import io.vigil.detection.notify.DestinationKind;
import io.vigil.detection.notify.repository.OutboxRepository;
import io.vigil.detection.sensor.SensorChanged;
import io.vigil.detection.sensor.SensorPresence;
import io.vigil.lib.api.id.Ids;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a cycle's alert changes into one delivery per interested destination: the customer's own destinations and its
 * MSP's MSP-wide ones, at or above their minimum severity, for the events they chose. The detection cycle's writer
 * inserts them in the transaction that commits the changes, so a change is never committed without its deliveries
 * (a crash after the commit only delays them) and never announced without being committed.
 */
@ApplicationScoped
public class DeliveryPlanner {

    private final NotificationPayloads payloads;

    public DeliveryPlanner(NotificationPayloads payloads) {
        this.payloads = payloads;
    }

    /** The deliveries of {@code changes}, given every enabled destination that may want one of them. */
    public List<OutboxRepository.NewDelivery> plan(List<AlertChanged> changes, List<OutboxRepository.Target> targets, Instant now) {
        List<OutboxRepository.NewDelivery> rows = new ArrayList<>();
        for (AlertChanged e : changes) {
            String customerId = e.alert().customerId();
            Severity severity = e.alert().severity();
            for (OutboxRepository.Target t : targets) {
                boolean owner = t.customerId() != null ? t.customerId().equals(customerId) : Objects.equals(t.mspId(), e.mspId());
                if (!owner || severity.compareTo(Severity.valueOf(t.minSeverity())) < 0 || !t.events().contains(e.change().name())) {
                    continue;
                }
                String id = Ids.newId("dl", 16);
                String payload = t.kind() == DestinationKind.WEBHOOK ? payloads.webhook(id, e, now) : payloads.syslog(e, now);
                rows.add(new OutboxRepository.NewDelivery(id, t.id(), t.mspId(), customerId, e.alert().id(), e.change().name(),
                        severity.name(), e.alert().reopenCount(), dedupeKey(e), payload));
            }
        }
        return rows;
    }

    /**
     * The deliveries of sensors' transitions: to the destinations of the sensor's customer and the MSP-wide ones of its
     * MSP that chose the event. Sensor events have no severity, so minSeverity does not filter them; the row records
     * MEDIUM for offline and LOW for back online (the CEF severities 5 and 3).
     */
    public List<OutboxRepository.NewDelivery> planSensors(List<SensorChanged> changes, List<OutboxRepository.Target> targets) {
        List<OutboxRepository.NewDelivery> rows = new ArrayList<>();
        for (SensorChanged e : changes) {
            String event = NotificationPayloads.event(e).name();
            for (OutboxRepository.Target t : targets) {
                boolean owner = t.customerId() != null ? t.customerId().equals(e.customerId()) : Objects.equals(t.mspId(), e.mspId());
                if (!owner || !t.events().contains(event)) {
                    continue;
                }
                String id = Ids.newId("dl", 16);
                String payload = t.kind() == DestinationKind.WEBHOOK ? payloads.webhook(id, e) : payloads.syslog(e);
                String severity = (e.event() == SensorPresence.Event.OFFLINE ? Severity.MEDIUM : Severity.LOW).name();
                rows.add(new OutboxRepository.NewDelivery(id, t.id(), t.mspId(), e.customerId(), null, event, severity, 0,
                        e.dedupeKey(), payload));
            }
        }
        return rows;
    }

    /** One per change: an alert opens once, reaches a severity once, and reopens once per reopen count. */
    static String dedupeKey(AlertChanged e) {
        return e.alert().id() + ":" + e.change() + ":" + e.alert().severity() + ":" + e.alert().reopenCount();
    }
}
