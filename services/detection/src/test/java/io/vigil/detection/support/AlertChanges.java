package io.vigil.detection.support;

import io.vigil.detection.alert.AlertChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every AlertChanged the cycle fires, as a notifier would receive them. */
@ApplicationScoped
public class AlertChanges {

    private final List<AlertChanged> seen = new CopyOnWriteArrayList<>();

    void on(@Observes AlertChanged change) {
        seen.add(change);
    }

    public List<AlertChanged> of(String customerId) {
        return seen.stream().filter(c -> c.alert().customerId().equals(customerId)).toList();
    }
}
