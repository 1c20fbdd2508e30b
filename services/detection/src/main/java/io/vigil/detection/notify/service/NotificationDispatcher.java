package io.vigil.detection.notify.service;

import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.notify.DestinationKind;
import io.vigil.detection.notify.repository.OutboxRepository;
import io.vigil.detection.scan.Scoring;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an alert change into one durable delivery per interested destination (the customer's own and its MSP's
 * MSP-wide ones), then wakes the worker. Runs on a worker thread, off the detection cycle's path.
 */
@ApplicationScoped
public class NotificationDispatcher {

    private static final Logger LOG = Logger.getLogger(NotificationDispatcher.class);

    private final OutboxRepository outbox;
    private final NotificationPayloads payloads;
    private final DeliveryWorker worker;

    public NotificationDispatcher(OutboxRepository outbox, NotificationPayloads payloads, DeliveryWorker worker) {
        this.outbox = outbox;
        this.payloads = payloads;
        this.worker = worker;
    }

    void onAlertChanged(@Observes AlertChanged e) {
        try {
            int queued = dispatch(e);
            if (queued > 0) {
                worker.kick();
            }
        } catch (RuntimeException ex) {
            // The change stays in PostgreSQL; only its notification is lost, and the log says which.
            LOG.errorf(ex, "notifications for alert %s (%s) could not be queued", e.alert().id(), e.change());
        }
    }

    /** Queues the change for every destination that wants it; returns how many deliveries were new. */
    public int dispatch(AlertChanged e) {
        String customerId = e.alert().customerId();
        Scoring.Severity severity = e.alert().severity();
        Instant now = Instant.now();
        List<OutboxRepository.NewDelivery> rows = new ArrayList<>();
        for (OutboxRepository.Target t : outbox.targets(customerId, e.mspId())) {
            if (severity.compareTo(Scoring.Severity.valueOf(t.minSeverity())) < 0 || !t.events().contains(e.change().name())) {
                continue;
            }
            String id = Ids.id("dl-");
            String payload = t.kind() == DestinationKind.WEBHOOK ? payloads.webhook(id, e, now) : payloads.syslog(e, now);
            rows.add(new OutboxRepository.NewDelivery(id, t.id(), e.mspId(), customerId, e.alert().id(), e.change().name(),
                    severity.name(), e.alert().reopenCount(), dedupeKey(e), payload));
        }
        return rows.isEmpty() ? 0 : outbox.enqueue(rows);
    }

    /** One per change: an alert opens once, reaches a severity once, and reopens once per reopen count. */
    static String dedupeKey(AlertChanged e) {
        return e.alert().id() + ":" + e.change() + ":" + e.alert().severity() + ":" + e.alert().reopenCount();
    }
}
