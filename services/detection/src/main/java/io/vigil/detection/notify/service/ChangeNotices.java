package io.vigil.detection.notify.service;

import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.notify.repository.OutboxRepository;
import io.vigil.detection.sensor.SensorChanged;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Queues notifications in the caller's transaction, whoever made the change (the detection cycle's merge, a user
 * resolving an alert, the sensor watcher): the enabled destinations of the customers and MSPs concerned, planned and
 * inserted into the outbox in one go. The delivery worker sends them once the transaction has committed.
 */
@ApplicationScoped
public class ChangeNotices {

    private final OutboxRepository outbox;
    private final DeliveryPlanner planner;

    public ChangeNotices(OutboxRepository outbox, DeliveryPlanner planner) {
        this.outbox = outbox;
        this.planner = planner;
    }

    /**
     * The deliveries of {@code changes}, to their customers' destinations and to the MSP-wide ones of their MSPs and of
     * {@code msps}; how many were new.
     */
    public Uni<Integer> queue(Mutiny.Session session, List<AlertChanged> changes, Collection<String> msps, Instant now) {
        if (changes.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Set<String> customers = new LinkedHashSet<>();
        changes.forEach(c -> customers.add(c.alert().customerId()));
        Set<String> owners = new LinkedHashSet<>(msps);
        changes.stream().map(AlertChanged::mspId).filter(Objects::nonNull).forEach(owners::add);
        return outbox.targets(session, customers, owners)
                .chain(targets -> outbox.enqueue(session, planner.plan(changes, targets, now)));
    }

    /** The deliveries of sensors' transitions, to their customers' destinations and their MSPs' MSP-wide ones; how many were new. */
    public Uni<Integer> queueSensors(Mutiny.Session session, List<SensorChanged> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Set<String> customers = new LinkedHashSet<>();
        Set<String> msps = new LinkedHashSet<>();
        changes.forEach(c -> {
            customers.add(c.customerId());
            msps.add(c.mspId());
        });
        return outbox.targets(session, customers, msps)
                .chain(targets -> outbox.enqueue(session, planner.planSensors(changes, targets)));
    }
}
